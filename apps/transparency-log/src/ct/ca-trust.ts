import { createHash } from 'node:crypto';
import { certificateSignedBy, verifyChain, type ParsedCertificate } from '@app/signing';

/** A path verifyChain validated, and when all its certificates are valid. */
interface ValidatedPath {
  readonly path: readonly ParsedCertificate[];
  readonly notBefore: number;
  readonly notAfter: number;
}

/** Lowercase hex SHA-256 of a certificate's DER. */
export function certificateFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/**
 * The instance's CA certificates at one moment (self-issued ones are the roots), parsed once,
 * and what the CT log's chain checks find about them alone, remembered for as long as this set
 * is current: which signs which, and the paths verifyChain validated above an issuer. A path
 * does not depend on the time (verifyChain builds it from the pool alone, and its signature,
 * CA and path-length checks are timeless), so a remembered one is reused when the time falls
 * within all its certificates' validity; anything else runs verifyChain itself.
 */
export class CaTrust {
  readonly roots: readonly ParsedCertificate[];
  readonly intermediates: readonly ParsedCertificate[];
  private readonly ids: ReadonlyMap<ParsedCertificate, number>;
  private readonly byBase64: ReadonlyMap<string, ParsedCertificate>;
  private readonly byFingerprint: ReadonlyMap<string, ParsedCertificate>;
  private readonly signatures = new Map<string, boolean>();
  private readonly paths = new Map<string, ValidatedPath>();

  /** `certificates` in the order the log found them (verifyChain's search order follows it). */
  constructor(readonly certificates: readonly ParsedCertificate[]) {
    const equal = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;
    this.roots = certificates.filter((c) => equal(c.subject, c.issuer));
    this.intermediates = certificates.filter((c) => !this.roots.includes(c));
    this.ids = new Map(certificates.map((c, i) => [c, i]));
    this.byBase64 = new Map(certificates.map((c) => [Buffer.from(c.der).toString('base64'), c]));
    this.byFingerprint = new Map(certificates.map((c) => [certificateFingerprint(c.der), c]));
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
    if (key !== undefined) {
      this.paths.set(key, {
        path: path.slice(),
        notBefore: Math.max(...path.map((c) => c.notBefore.getTime())),
        notAfter: Math.min(...path.map((c) => c.notAfter.getTime())),
      });
    }
    return path;
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
