/**
 * Object identifiers of the certificate profile Signet issues. Sources: RFC 5280 §4.2.1 (standard
 * extensions), RFC 6962 §3.1/§3.3 (CT poison and SCT list), Fulcio `docs/oid-info.md` (the Sigstore
 * arc 1.3.6.1.4.1.57264.1).
 */
export const X509Oid = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extendedKeyUsage: '2.5.29.37',
  /** id-kp-codeSigning, RFC 5280 §4.2.1.12. */
  codeSigning: '1.3.6.1.5.5.7.3.3',
  /** id-kp-timeStamping, RFC 5280 §4.2.1.12 (critical and alone on a TSA leaf, RFC 3161 §2.3). */
  timeStamping: '1.3.6.1.5.5.7.3.8',
  /** RFC 6962 §3.1: critical, ASN.1 NULL; marks a precertificate. */
  ctPoison: '1.3.6.1.4.1.11129.2.4.3',
  /** RFC 6962 §3.3: OCTET STRING wrapping a TLS SignedCertificateTimestampList. */
  ctSctList: '1.3.6.1.4.1.11129.2.4.2',
  /** Fulcio's otherName type-id for `username` identities (value: [0] EXPLICIT UTF8String). */
  fulcioUsername: '1.3.6.1.4.1.57264.1.7',
} as const;

/**
 * The Sigstore certificate extensions (Fulcio `pkg/certificate/extensions.go`), all non-critical.
 * `.1`–`.6` hold raw string bytes (deprecated form); `.8`–`.24` hold a DER UTF8String.
 */
export const FulcioOid = {
  issuer: '1.3.6.1.4.1.57264.1.1',
  githubWorkflowTrigger: '1.3.6.1.4.1.57264.1.2',
  githubWorkflowSha: '1.3.6.1.4.1.57264.1.3',
  githubWorkflowName: '1.3.6.1.4.1.57264.1.4',
  githubWorkflowRepository: '1.3.6.1.4.1.57264.1.5',
  githubWorkflowRef: '1.3.6.1.4.1.57264.1.6',
  issuerV2: '1.3.6.1.4.1.57264.1.8',
  buildSignerUri: '1.3.6.1.4.1.57264.1.9',
  buildSignerDigest: '1.3.6.1.4.1.57264.1.10',
  runnerEnvironment: '1.3.6.1.4.1.57264.1.11',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  sourceRepositoryIdentifier: '1.3.6.1.4.1.57264.1.15',
  sourceRepositoryOwnerUri: '1.3.6.1.4.1.57264.1.16',
  sourceRepositoryOwnerIdentifier: '1.3.6.1.4.1.57264.1.17',
  buildConfigUri: '1.3.6.1.4.1.57264.1.18',
  buildConfigDigest: '1.3.6.1.4.1.57264.1.19',
  buildTrigger: '1.3.6.1.4.1.57264.1.20',
  runInvocationUri: '1.3.6.1.4.1.57264.1.21',
  sourceRepositoryVisibilityAtSigning: '1.3.6.1.4.1.57264.1.22',
  deploymentEnvironment: '1.3.6.1.4.1.57264.1.23',
  tokenSubject: '1.3.6.1.4.1.57264.1.24',
} as const;

const FULCIO_ARC = '1.3.6.1.4.1.57264.1.';

/** How a Sigstore extension stores its string value in `extnValue`. */
export type FulcioValueEncoding = 'raw' | 'utf8String';

/**
 * The value encoding of a Sigstore-arc OID: `'raw'` for `.1`–`.6`, `'utf8String'` for `.8` and
 * above, or `null` for `.7` (a SAN type-id, not an extension) and OIDs outside the arc.
 */
export function fulcioValueEncoding(oid: string): FulcioValueEncoding | null {
  if (!oid.startsWith(FULCIO_ARC)) return null;
  const tail = oid.slice(FULCIO_ARC.length);
  if (!/^[1-9][0-9]{0,8}$/.test(tail)) return null;
  const arc = Number(tail);
  if (arc <= 6) return 'raw';
  return arc >= 8 ? 'utf8String' : null;
}

/** Numeric order of OIDs (arc by arc), so extension order does not depend on map insertion. */
export function compareOids(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}
