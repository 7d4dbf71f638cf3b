import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import {
  createOnce,
  developmentSigner,
  openSigner,
  SIGNET_CONFIG,
  type SignetConfig,
} from '@app/platform';
import {
  buildIntermediateCertificate,
  buildRootCertificate,
  certificatesFromPem,
  certificatesToPem,
  fingerprintOf,
  parseCertificate,
  type ParsedCertificate,
  type Signer,
  verifyChain,
} from '@app/signing';
import { CA_FILE_SETTINGS, type CaFileSettings } from '../config/ca.config';

/**
 * The CA's issuing key and certificate chain: from CA_KEY + CA_CHAIN, or (development) a root and
 * intermediate generated once under SIGNET_DATA_DIR/ca. The chain's certificates are recorded in
 * Postgres (`ca_certificate`) so the instance's transparency log trusts them.
 */
@Injectable()
export class CaChainService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CaChainService.name);
  private issuingSigner!: Signer;
  /** Issuing certificate first, root last. */
  private current!: ParsedCertificate[];
  private currentDer: readonly Uint8Array[] = [];
  private currentPem: readonly string[] = [];
  /** Earlier chains (from `ca.retiredChains`), still trusted for verifying older signatures. */
  private retired: ParsedCertificate[][] = [];

  constructor(
    @Inject(SIGNET_CONFIG) private readonly config: SignetConfig,
    private readonly dataSource: DataSource,
    @Inject(CA_FILE_SETTINGS) private readonly settings: Pick<CaFileSettings, 'retiredChainFiles'>,
  ) {}

  async onModuleInit(): Promise<void> {
    const { ca, dataDir } = this.config;
    if (ca.key !== undefined && ca.chainFile !== undefined) {
      this.issuingSigner = await openSigner(ca.key);
      this.current = certificatesFromPem(await readFile(ca.chainFile, 'utf8')).map((der) =>
        parseCertificate(der),
      );
    } else {
      ({ signer: this.issuingSigner, chain: this.current } = await developmentChain(
        join(dataDir, 'ca'),
      ));
      this.logger.warn(
        `CA_KEY is unset: issuing with a DEVELOPMENT root and intermediate from ${join(dataDir, 'ca')}; never use it in production`,
      );
    }
    const issuing = this.current[0];
    if (
      issuing === undefined ||
      fingerprintOf(issuing.publicKey) !== fingerprintOf(this.issuingSigner.publicKey)
    ) {
      throw new Error('CA_CHAIN: its first certificate does not hold the public key of CA_KEY');
    }
    const root = this.current[this.current.length - 1]!;
    verifyChain(issuing, this.current.slice(1, -1), [root], new Date());
    // Every certificate request returns the chain: encode it once.
    this.currentDer = Object.freeze(this.current.map((c) => c.der));
    this.currentPem = Object.freeze(this.current.map((c) => certificatesToPem([c.der])));
    this.retired = await Promise.all(
      this.settings.retiredChainFiles.map(async (file) =>
        certificatesFromPem(await readFile(file, 'utf8')).map((der) => parseCertificate(der)),
      ),
    );
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
      await this.dataSource.query(
        `INSERT INTO ca_certificate (fingerprint, der, is_root, not_before, not_after) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (fingerprint) DO NOTHING`,
        [
          createHash('sha256').update(cert.der).digest('hex'),
          Buffer.from(cert.der),
          i === chain.length - 1,
          cert.notBefore,
          cert.notAfter,
        ],
      );
    }
  }
}

/** A development root (10 years) and intermediate, created once, shared by every CA process. */
async function developmentChain(
  dir: string,
): Promise<{ signer: Signer; chain: ParsedCertificate[] }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const root = await developmentSigner(dir, 'root');
  const intermediate = await developmentSigner(dir, 'intermediate');
  const chainPath = join(dir, 'chain.pem');
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
  const rootDer = await buildRootCertificate({
    signer: root.signer,
    subject: { organization: 'Signet (development)', commonName: 'Signet development root' },
    notBefore,
    notAfter,
  });
  const intermediateDer = await buildIntermediateCertificate({
    issuer: rootDer,
    issuerSigner: root.signer,
    subject: {
      organization: 'Signet (development)',
      commonName: 'Signet development intermediate',
    },
    subjectPublicKey: intermediate.signer.publicKey,
    notBefore,
    notAfter,
  });
  // A process that started at the same time may have written its chain first: keep that one.
  await createOnce(chainPath, (tmp) =>
    writeFile(tmp, certificatesToPem([intermediateDer, rootDer]), { flag: 'wx' }),
  );
  const chain = certificatesFromPem(await readFile(chainPath, 'utf8')).map((der) =>
    parseCertificate(der),
  );
  return { signer: intermediate.signer, chain };
}
