import {
  certificateSignedBy,
  hasOnlyUnderstoodCriticalExtensions,
  type ParsedCertificate,
  verifyChain,
} from '@app/signing';
import { caCertificateFingerprint } from '@app/schema';

/** A path verifyChain validated, and when all its certificates are valid. */
interface ValidatedPath {
  readonly path: readonly ParsedCertificate[];
  readonly notBefore: number;
  readonly notAfter: number;
}

const equal = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/**
 * The log's one certificate-chain verifier: a set of CA certificates (self-issued ones are the
 * roots, the others intermediates), parsed once, used by write authorization ({@link verify})
 * and by the CT personality ({@link signedBy}, {@link issuerPath}).
 *
 * Every decision is exactly `verifyChain`'s; what does not depend on the leaf is remembered for
 * as long as this set is current. A path above an issuer is built from the pool alone and its
 * signature, CA and path-length checks are timeless, so once verifyChain has accepted it, only
 * its certificates' validity windows are checked again. Anything else (an issuer seen for the
 * first time, any failed check, a leaf that is itself one of the CA certificates, a critical
 * extension verifyChain does not understand) runs verifyChain itself, which also gives the error.
 */
export class ChainVerifier {
  readonly roots: readonly ParsedCertificate[];
  readonly intermediates: readonly ParsedCertificate[];
  /** verifyChain's search order: roots before intermediates. */
  private readonly pool: readonly ParsedCertificate[];
  private readonly ids: ReadonlyMap<ParsedCertificate, number>;
  private readonly byBase64: ReadonlyMap<string, ParsedCertificate>;
  private readonly byFingerprint: ReadonlyMap<string, ParsedCertificate>;
  private readonly signatures = new Map<string, boolean>();
  private readonly paths = new Map<string, ValidatedPath>();

  /** `certificates` in the order the log found them (verifyChain's search order follows it). */
  constructor(readonly certificates: readonly ParsedCertificate[]) {
    this.roots = certificates.filter((c) => equal(c.subject, c.issuer));
    this.intermediates = certificates.filter((c) => !this.roots.includes(c));
    this.pool = [...this.roots, ...this.intermediates];
    this.ids = new Map(certificates.map((c, i) => [c, i]));
    this.byBase64 = new Map(certificates.map((c) => [Buffer.from(c.der).toString('base64'), c]));
    this.byFingerprint = new Map(certificates.map((c) => [caCertificateFingerprint(c.der), c]));
  }

  /** The CA certificate whose DER is `base64` (canonical standard base64), as parsed once. */
  certificateOf(base64: string): ParsedCertificate | undefined {
    return this.byBase64.get(base64);
  }

  /** The CA certificate whose DER has this lowercase hex SHA-256. */
  certificateWithFingerprint(hex: string): ParsedCertificate | undefined {
    return this.byFingerprint.get(hex);
  }

  /** Whether one of the CA certificates is exactly `certificate` (same DER). */
  has(certificate: ParsedCertificate): boolean {
    return (
      this.ids.has(certificate) ||
      this.byBase64.has(Buffer.from(certificate.der).toString('base64'))
    );
  }

  /**
   * Validates the path from `leaf` to one of the roots at `at` (RFC 5280 §6.1, as verifyChain
   * restricts it). Returns nothing on success.
   *
   * @throws SigningError exactly as verifyChain: `INVALID_CERTIFICATE` or `INVALID_CHAIN`.
   */
  verify(leaf: ParsedCertificate, at: Date): void {
    const issuer = this.issuerOf(leaf);
    const key = issuer === undefined ? undefined : this.key([issuer]);
    const upper = key === undefined ? undefined : this.paths.get(key);
    const time = at.getTime();
    if (
      upper !== undefined &&
      leaf.notBefore.getTime() <= time &&
      time <= leaf.notAfter.getTime() &&
      upper.notBefore <= time &&
      time <= upper.notAfter &&
      hasOnlyUnderstoodCriticalExtensions(leaf)
    ) {
      return;
    }
    const path = verifyChain(leaf, this.intermediates, this.roots, at);
    if (key === undefined || path[1] !== issuer) return;
    this.remember(key, path.slice(1));
  }

  /** `certificateSignedBy`, remembered when both are these CA certificates (as parsed here). */
  signedBy(child: ParsedCertificate, parent: ParsedCertificate): boolean {
    const key = this.key([child, parent]);
    if (key === undefined) return certificateSignedBy(child, parent);
    let verdict = this.signatures.get(key);
    if (verdict === undefined)
      this.signatures.set(key, (verdict = certificateSignedBy(child, parent)));
    return verdict;
  }

  /**
   * `verifyChain(issuer, [...submitted, ...intermediates], roots, at)`: the path from
   * `issuer` to a root (issuer first), validated at `at`. Remembered when `issuer` and
   * `submitted` are these CA certificates (as parsed here).
   *
   * @throws SigningError exactly as verifyChain.
   */
  issuerPath(
    issuer: ParsedCertificate,
    submitted: readonly ParsedCertificate[],
    at: Date,
  ): ParsedCertificate[] {
    const key = this.key([issuer, ...submitted]);
    const time = at.getTime();
    const known = key === undefined ? undefined : this.paths.get(key);
    if (known !== undefined && known.notBefore <= time && time <= known.notAfter) {
      return known.path.slice();
    }
    const path = verifyChain(issuer, [...submitted, ...this.intermediates], this.roots, at);
    if (key !== undefined) this.remember(key, path);
    return path;
  }

  private remember(key: string, path: readonly ParsedCertificate[]): void {
    this.paths.set(key, {
      path: path.slice(),
      notBefore: Math.max(...path.map((c) => c.notBefore.getTime())),
      notAfter: Math.min(...path.map((c) => c.notAfter.getTime())),
    });
  }

  /** verifyChain's issuer search for a leaf outside the pool; undefined when it cannot decide. */
  private issuerOf(leaf: ParsedCertificate): ParsedCertificate | undefined {
    if (this.has(leaf)) return undefined;
    return this.pool.find(
      (c) =>
        (leaf.authorityKeyId === undefined ||
          c.subjectKeyId === undefined ||
          equal(c.subjectKeyId, leaf.authorityKeyId)) &&
        certificateSignedBy(leaf, c),
    );
  }

  /** The certificates' positions here, or undefined when one is not a CA certificate object. */
  private key(certificates: readonly ParsedCertificate[]): string | undefined {
    const ids: number[] = [];
    for (const certificate of certificates) {
      const id = this.ids.get(certificate);
      if (id === undefined) return undefined;
      ids.push(id);
    }
    return ids.join(',');
  }
}
