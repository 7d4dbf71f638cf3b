import { SigningError } from '../errors';
import { isSupportedSignatureOid, verifyWithAlgorithmOid } from './algorithms';
import { bytesEqual } from './der';
import { X509Oid } from './oids';
import { describeCertificate, parseCertificate, type ParsedCertificate } from './parse';

/** Critical extensions this verifier understands; any other critical one fails (RFC 5280 §4.2). */
const UNDERSTOOD_CRITICAL = new Set<string>([
  X509Oid.keyUsage,
  X509Oid.basicConstraints,
  X509Oid.subjectAltName,
  X509Oid.extendedKeyUsage,
  X509Oid.subjectKeyIdentifier,
  X509Oid.authorityKeyIdentifier,
]);

/**
 * Whether `child` names `parent` as its issuer (byte-equal DER Names) and carries a valid
 * signature by `parent`'s key over its TBSCertificate, with a signature algorithm
 * {@link verifyChain} supports (RFC 5280 §6.1.3 (a)(1)).
 */
export function certificateSignedBy(child: ParsedCertificate, parent: ParsedCertificate): boolean {
  return (
    bytesEqual(child.issuer, parent.subject) &&
    verifyWithAlgorithmOid(
      child.signatureAlgorithm,
      child.tbsCertificate,
      parent.publicKey,
      child.signatureValue,
    )
  );
}

/** Whether every critical extension of `certificate` is one {@link verifyChain} understands. */
export function hasOnlyUnderstoodCriticalExtensions(certificate: ParsedCertificate): boolean {
  return certificate.extensions.every((e) => !e.critical || UNDERSTOOD_CRITICAL.has(e.oid));
}

function chainError(message: string): SigningError {
  return new SigningError('INVALID_CHAIN', message);
}

function parseLabelled(der: Uint8Array | ParsedCertificate, label: string): ParsedCertificate {
  if (!(der instanceof Uint8Array)) return der;
  try {
    return parseCertificate(der);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new SigningError('INVALID_CERTIFICATE', `${label}: ${detail}`, { cause });
  }
}

/**
 * Builds and validates the path from `leaf` to one of `roots` at time `at` (RFC 5280 §6.1,
 * restricted to what Sigstore needs). Returns the path, leaf first and trusted root last. Any
 * certificate may be passed pre-parsed, so a verifier with a fixed trust root parses it once.
 *
 * Issuers are found by issuer Name = subject Name (byte-equal DER) and, when both are present,
 * AKI = SKI; among those the first whose key verifies the signature is taken (roots before
 * intermediates). Then every certificate, the root included, must be valid at `at` (inclusive
 * bounds) and carry no critical extension this verifier does not understand; every certificate
 * above the leaf must have basicConstraints cA:TRUE, keyCertSign if it has keyUsage, and a
 * pathLenConstraint (if any) not below the number of intermediates beneath it. The root's own
 * signature is not checked: it is trusted because it is in `roots`.
 *
 * Throws `INVALID_CERTIFICATE` (naming the input) for an unparsable certificate, and
 * `INVALID_CHAIN` naming the certificate and the failed check otherwise.
 */
export function verifyChain(
  leaf: Uint8Array | ParsedCertificate,
  intermediates: readonly (Uint8Array | ParsedCertificate)[],
  roots: readonly (Uint8Array | ParsedCertificate)[],
  at: Date,
): ParsedCertificate[] {
  const parsedLeaf = parseLabelled(leaf, 'leaf');
  const parsedRoots = roots.map((der, i) => parseLabelled(der, `root ${i}`));
  const pool = [
    ...parsedRoots,
    ...intermediates.map((der, i) => parseLabelled(der, `intermediate input ${i}`)),
  ];
  const isRoot = (c: ParsedCertificate) => parsedRoots.some((r) => bytesEqual(r.der, c.der));
  const label = (i: number, c: ParsedCertificate) =>
    `${i === 0 ? 'leaf' : isRoot(c) ? 'root' : `intermediate ${i}`} ${describeCertificate(c)}`;

  const path = [parsedLeaf];
  for (let current = parsedLeaf; !isRoot(current);) {
    // Terminates: each step consumes a distinct certificate of the pool.
    current = findIssuer(current, label(path.length - 1, current), pool, path);
    path.push(current);
  }
  path.forEach((certificate, i) => checkCertificate(certificate, i, label(i, certificate), at));
  return path;
}

function findIssuer(
  child: ParsedCertificate,
  childLabel: string,
  pool: readonly ParsedCertificate[],
  path: readonly ParsedCertificate[],
): ParsedCertificate {
  const named = pool.filter(
    (c) => bytesEqual(c.subject, child.issuer) && !path.some((p) => bytesEqual(p.der, c.der)),
  );
  if (named.length === 0) {
    throw chainError(
      `${childLabel}: no trusted root or intermediate has subject "${child.issuerName}"`,
    );
  }
  const keyed = named.filter(
    (c) =>
      child.authorityKeyId === undefined ||
      c.subjectKeyId === undefined ||
      bytesEqual(c.subjectKeyId, child.authorityKeyId),
  );
  if (keyed.length === 0) {
    throw chainError(
      `${childLabel}: authorityKeyIdentifier matches no subjectKeyIdentifier of the certificates named "${child.issuerName}"`,
    );
  }
  if (!isSupportedSignatureOid(child.signatureAlgorithm)) {
    throw chainError(`${childLabel}: unsupported signature algorithm ${child.signatureAlgorithm}`);
  }
  const issuer = keyed.find((c) =>
    verifyWithAlgorithmOid(
      child.signatureAlgorithm,
      child.tbsCertificate,
      c.publicKey,
      child.signatureValue,
    ),
  );
  if (issuer === undefined) {
    throw chainError(
      `${childLabel}: signature does not verify with the key of issuer "${child.issuerName}"`,
    );
  }
  return issuer;
}

function checkCertificate(
  certificate: ParsedCertificate,
  index: number,
  label: string,
  at: Date,
): void {
  const when = at.toISOString();
  if (at < certificate.notBefore) {
    throw chainError(
      `${label}: not yet valid at ${when} (notBefore ${certificate.notBefore.toISOString()})`,
    );
  }
  if (at > certificate.notAfter) {
    throw chainError(
      `${label}: expired at ${when} (notAfter ${certificate.notAfter.toISOString()})`,
    );
  }
  const unknown = certificate.extensions.find((e) => e.critical && !UNDERSTOOD_CRITICAL.has(e.oid));
  if (unknown !== undefined) {
    const hint =
      unknown.oid === X509Oid.ctPoison ? ' (CT poison: a precertificate is not a certificate)' : '';
    throw chainError(`${label}: unsupported critical extension ${unknown.oid}${hint}`);
  }
  if (index === 0) return;
  if (certificate.basicConstraints?.ca !== true) {
    throw chainError(`${label}: not a CA (basicConstraints cA is not TRUE)`);
  }
  if (certificate.keyUsage !== undefined && !certificate.keyUsage.has('keyCertSign')) {
    throw chainError(`${label}: keyUsage lacks keyCertSign`);
  }
  const below = index - 1;
  const limit = certificate.basicConstraints.pathLength;
  if (limit !== undefined && below > limit) {
    throw chainError(
      `${label}: pathLenConstraint ${limit} exceeded by ${below} intermediate(s) below it`,
    );
  }
}
