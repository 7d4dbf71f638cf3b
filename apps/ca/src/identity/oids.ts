import { FulcioOid as CertificateOid } from '@app/signing';

/**
 * Sigstore's certificate extension OIDs under arc 1.3.6.1.4.1.57264.1 (Fulcio
 * `pkg/certificate/extensions.go`, `docs/oid-info.md`), as dotted strings: the certificate
 * profile's list from libs/signing, plus `issuerV1`, identity mapping's name for `.1`. `.1`–`.6`
 * carry raw bytes (deprecated); `.8` and later carry a DER UTF8String. Encoding is issuance's job.
 */
export const FulcioOid = {
  ...CertificateOid,
  /** Deprecated issuer; raw bytes. */
  issuerV1: CertificateOid.issuer,
} as const;
