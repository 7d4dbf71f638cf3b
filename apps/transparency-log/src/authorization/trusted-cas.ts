import {
  certificateSignedBy,
  hasOnlyUnderstoodCriticalExtensions,
  verifyChain,
  type ParsedCertificate,
} from '@app/signing';

/** The certificates above the leaf that verifyChain validated once, and when all are valid. */
interface UpperPath {
  readonly notBefore: number;
  readonly notAfter: number;
}

const equal = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

/**
 * The CA certificates a log trusts (self-issued ones are roots, the others intermediates),
 * parsed once, with the work that does not depend on the leaf done once per issuer.
 *
 * {@link verify} decides exactly as `verifyChain(leaf, intermediates, roots, at)`: it finds the
 * leaf's issuer the way verifyChain does (issuer Name, AKI = SKI, first whose key verifies the
 * leaf's signature). The path above that issuer does not depend on the leaf (it is built from
 * the pool alone), and its signature, CA and path-length checks do not depend on the time: once
 * verifyChain has accepted one leaf of an issuer, only that path's validity windows are checked
 * again. Anything else (an issuer seen for the first time, any failed check, a leaf that is
 * itself one of the CA certificates, or a critical extension verifyChain does not understand)
 * goes through verifyChain itself, which then also gives the error.
 */
export class TrustedCas {
  readonly roots: readonly ParsedCertificate[];
  readonly intermediates: readonly ParsedCertificate[];
  private readonly pool: readonly ParsedCertificate[];
  private readonly validated = new Map<ParsedCertificate, UpperPath>();

  constructor(readonly certificates: readonly ParsedCertificate[]) {
    this.roots = certificates.filter((c) => equal(c.subject, c.issuer));
    this.intermediates = certificates.filter((c) => !this.roots.includes(c));
    // verifyChain's search order: roots before intermediates.
    this.pool = [...this.roots, ...this.intermediates];
  }

  /**
   * Validates the path from `leaf` to a trusted root at `at` (RFC 5280 §6.1, as verifyChain
   * restricts it). Returns nothing on success.
   *
   * @throws SigningError exactly as verifyChain: `INVALID_CERTIFICATE` or `INVALID_CHAIN`.
   */
  verify(leaf: ParsedCertificate, at: Date): void {
    const issuer = this.issuerOf(leaf);
    const upper = issuer && this.validated.get(issuer);
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
    if (issuer === undefined || path[1] !== issuer) return;
    const above = path.slice(1);
    this.validated.set(issuer, {
      notBefore: Math.max(...above.map((c) => c.notBefore.getTime())),
      notAfter: Math.min(...above.map((c) => c.notAfter.getTime())),
    });
  }

  /** verifyChain's issuer search for a leaf outside the pool; undefined when it cannot decide. */
  private issuerOf(leaf: ParsedCertificate): ParsedCertificate | undefined {
    if (this.pool.some((c) => equal(c.der, leaf.der))) return undefined;
    return this.pool.find(
      (c) =>
        (leaf.authorityKeyId === undefined ||
          c.subjectKeyId === undefined ||
          equal(c.subjectKeyId, leaf.authorityKeyId)) &&
        certificateSignedBy(leaf, c),
    );
  }
}
