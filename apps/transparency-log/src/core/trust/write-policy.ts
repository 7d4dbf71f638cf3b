import { Inject, Injectable, Logger } from '@nestjs/common';
import { fingerprintOf, type ParsedCertificate, X509Oid } from '@app/signing';
import { LOG_WRITE_SETTINGS, type LogWriteSettings } from '../../config/log-file.config';
import { LogError } from '../../errors';
import { ChainVerifier } from './chain-verifier';
import { InstanceCas } from './instance-cas';
import type { EntryVerifier } from './verifier';

/**
 * Who may write to this private log (Rekor has no such check: rekor#1598). By default only
 * signers whose certificate is for code signing (extendedKeyUsage codeSigning, as every leaf the
 * CA issues), chains to one of the instance's CA certificates (those the CA records in
 * `ca_certificate`, plus `log.trustedCertificates`) and is valid at integration time; bare
 * public keys only when listed in configuration.
 */
@Injectable()
export class WritePolicy {
  private readonly configured: readonly ParsedCertificate[];
  private readonly allowedKeys: Set<string>;
  private trusted: ChainVerifier;
  /** The instance's CA certificates `trusted` was built from. */
  private trustedFrom: ChainVerifier | undefined;

  /** `settings` were read and parsed before Nest started (`parseLogWriteSettings`). */
  constructor(
    @Inject(LOG_WRITE_SETTINGS) settings: LogWriteSettings,
    private readonly cas: InstanceCas,
  ) {
    this.configured = settings.trustedCertificates;
    this.trusted = new ChainVerifier([...this.configured]);
    this.allowedKeys = new Set(settings.allowedKeyFingerprints);
    if (this.configured.length === 0 && this.allowedKeys.size === 0) {
      new Logger(WritePolicy.name).log(
        'no CA certificates or keys configured: trusting the CA certificates this instance records',
      );
    }
  }

  /** Throws NOT_AUTHORIZED unless every verifier is allowed at `at`. */
  async check(verifiers: readonly EntryVerifier[], at: Date): Promise<void> {
    if (verifiers.some((v) => v.certificate !== undefined)) await this.refresh();
    for (const verifier of verifiers) {
      if (verifier.certificate !== undefined) {
        if (this.trusted.roots.length === 0) {
          throw new LogError(
            'NOT_AUTHORIZED',
            'this log trusts no CA certificates: certificate-signed entries are refused',
          );
        }
        // Cheaper than the chain, and decisive when a trusted CA (log.trustedCertificates) also
        // issues TLS or other certificates: only code-signing leaves may write.
        if (verifier.certificate.extendedKeyUsage?.includes(X509Oid.codeSigning) !== true) {
          throw new LogError(
            'NOT_AUTHORIZED',
            `the signing certificate is not for code signing: its extendedKeyUsage lacks id-kp-codeSigning (${X509Oid.codeSigning})`,
          );
        }
        try {
          this.trusted.verify(verifier.certificate, at);
        } catch (err) {
          throw new LogError(
            'NOT_AUTHORIZED',
            `the signing certificate is not trusted by this log: ${(err as Error).message}`,
            undefined,
            { cause: err },
          );
        }
      } else if (!this.allowedKeys.has(fingerprintOf(verifier.publicKey))) {
        throw new LogError(
          'NOT_AUTHORIZED',
          `public key sha256:${fingerprintOf(verifier.publicKey)} may not write to this log: only certificates from the instance's CA, or keys listed in log.allowedPublicKeys`,
        );
      }
    }
  }

  /**
   * Whether every verifier could have written at some time: a certificate is checked at its
   * notBefore (so an expired short-lived one still counts), a bare key as {@link check} does.
   */
  async allowedOnce(verifiers: readonly EntryVerifier[]): Promise<boolean> {
    try {
      for (const v of verifiers) await this.check([v], v.certificate?.notBefore ?? new Date());
      return true;
    } catch (err) {
      if (err instanceof LogError && err.code === 'NOT_AUTHORIZED') return false;
      throw err;
    }
  }

  /**
   * Picks up the instance's CA certificates as InstanceCas re-reads them (a CA may start
   * later); they are parsed, and their paths validated, again only when the set has changed.
   */
  private async refresh(): Promise<void> {
    const instance = await this.cas.verifier();
    if (instance === this.trustedFrom) return;
    this.trusted = new ChainVerifier([...this.configured, ...instance.certificates]);
    this.trustedFrom = instance;
  }
}
