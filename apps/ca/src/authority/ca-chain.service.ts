import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { certificatesToPem, type ParsedCertificate, type Signer } from '@app/signing';
import { CaCertificateRepository } from './ca-certificate.repository';
import { CA_KEYS, type CaKeys } from './ca-keys';

/**
 * The CA's issuing key and certificate chains, as the composition root opened them
 * (`ca-keys.ts`). At start, the chains' certificates are recorded in Postgres
 * (`ca_certificate`) so the instance's transparency log trusts them.
 */
@Injectable()
export class CaChainService implements OnModuleInit, OnModuleDestroy {
  private readonly issuingSigner: Signer;
  /** Issuing certificate first, root last. */
  private readonly current: readonly ParsedCertificate[];
  private readonly currentDer: readonly Uint8Array[];
  private readonly currentPem: readonly string[];
  /** Earlier chains (from `ca.retiredChains`), still trusted for verifying older signatures. */
  private readonly retired: ReadonlyArray<readonly ParsedCertificate[]>;

  constructor(
    @Inject(CA_KEYS) keys: CaKeys,
    private readonly certificates: CaCertificateRepository,
  ) {
    this.issuingSigner = keys.signer;
    this.current = keys.chain;
    this.retired = keys.retired;
    // Every certificate request returns the chain: encode it once.
    this.currentDer = Object.freeze(this.current.map((c) => c.der));
    this.currentPem = Object.freeze(this.current.map((c) => certificatesToPem([c.der])));
  }

  async onModuleInit(): Promise<void> {
    await this.record();
  }

  async onModuleDestroy(): Promise<void> {
    await this.issuingSigner.close?.();
  }

  get signer(): Signer {
    return this.issuingSigner;
  }

  /** The issuing certificate, then up to the root. */
  get chain(): readonly ParsedCertificate[] {
    return this.current;
  }

  /** {@link chain} as DER, issuing certificate first (what the CT log's add-pre-chain takes). */
  get chainDer(): readonly Uint8Array[] {
    return this.currentDer;
  }

  /** {@link chain} as one PEM block per certificate (what Fulcio's signingCert answers with). */
  get chainPem(): readonly string[] {
    return this.currentPem;
  }

  /** Every chain this CA vouches for: the current one first, then the retired ones. */
  get chains(): ReadonlyArray<readonly ParsedCertificate[]> {
    return [this.current, ...this.retired];
  }

  private async record(): Promise<void> {
    for (const chain of this.chains) await this.recordChain(chain);
  }

  private async recordChain(chain: readonly ParsedCertificate[]): Promise<void> {
    for (const [i, cert] of chain.entries()) {
      await this.certificates.record({
        der: cert.der,
        isRoot: i === chain.length - 1,
        notBefore: cert.notBefore,
        notAfter: cert.notAfter,
      });
    }
  }
}
