import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  certificatesFromPem,
  fingerprintOf,
  parseCertificate,
  parsePublicKey,
  type ParsedCertificate,
  verifyChain,
} from '@app/signing';
import { SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import { logFileSettings } from '../config/log-file.config';
import type { EntryVerifier } from '../entries/kinds';
import { LogError } from '../errors';

/**
 * Who may write to this private log (Rekor has no such check: rekor#1598). By default only
 * signers whose certificate chains to one of the instance's CA certificates and is valid at
 * integration time; bare public keys only when listed in configuration.
 */
@Injectable()
export class WritePolicy {
  private readonly roots: ParsedCertificate[];
  private readonly intermediates: ParsedCertificate[];
  private readonly allowedKeys: Set<string>;

  constructor(@Inject(SIGNET_CONFIG) config: SignetConfig) {
    const settings = logFileSettings(config);
    const cas = settings.trustedCertificatesPem
      .flatMap((pem) => certificatesFromPem(pem))
      .map((der) => parseCertificate(der));
    this.roots = cas.filter((c) => Buffer.from(c.subject).equals(Buffer.from(c.issuer)));
    this.intermediates = cas.filter((c) => !this.roots.includes(c));
    this.allowedKeys = new Set(
      settings.allowedPublicKeysPem.map((pem) => fingerprintOf(parsePublicKey(pem))),
    );
    if (this.roots.length === 0 && this.allowedKeys.size === 0) {
      new Logger(WritePolicy.name).warn(
        'no trusted CA certificates or allowed keys are configured: every write will be refused',
      );
    }
  }

  /** Throws NOT_AUTHORIZED unless every verifier is allowed at `at`. */
  check(verifiers: readonly EntryVerifier[], at: Date): void {
    for (const verifier of verifiers) {
      if (verifier.certificateDer !== undefined) {
        if (this.roots.length === 0) {
          throw new LogError(
            'NOT_AUTHORIZED',
            'this log trusts no CA certificates: certificate-signed entries are refused',
          );
        }
        try {
          verifyChain(verifier.certificateDer, this.intermediates, this.roots, at);
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
}
