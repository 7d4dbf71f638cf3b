/* Test oracles over TBSCertificates (not exported from the x509 barrel, not built): a TBS with
   one extension removed or replaced and every other byte unchanged. */
import { SigningError } from '../../errors';
import { certificateParts, encodeTbs, tbsFields } from '../tbs';

/**
 * The TBSCertificate of a certificate or TBS with the extension `oid` removed, re-encoded to DER
 * (RFC 6962 §3.2: the precert `tbs_certificate` is the TBS without the poison, and a verifier
 * rebuilds it from the final certificate by removing the SCT list). Requires the extension to be
 * present; throws `INVALID_CERTIFICATE` otherwise.
 */
export function tbsWithoutExtension(certificateOrTbs: Uint8Array, oid: string): Uint8Array {
  return withExtension(asTbs(certificateOrTbs), oid, []);
}

/**
 * The TBS with extension `oid` replaced, at the same position, by `replacement` (a DER Extension).
 * Requires `oid` to be present; throws `INVALID_CERTIFICATE` otherwise.
 */
export function tbsWithExtensionReplaced(
  tbs: Uint8Array,
  oid: string,
  replacement: Uint8Array,
): Uint8Array {
  return withExtension(tbs, oid, [replacement]);
}

function withExtension(tbs: Uint8Array, oid: string, replacement: Uint8Array[]): Uint8Array {
  const { head, extensions } = tbsFields(tbs);
  if (!extensions.some((e) => e.oid === oid)) {
    throw new SigningError('INVALID_CERTIFICATE', `extension ${oid} is not present`);
  }
  return encodeTbs(
    head,
    extensions.flatMap((e) => (e.oid === oid ? replacement : [e.encoding])),
  );
}

/** A Certificate's TBS, or `der` itself when it is not a Certificate (a bare TBS). */
function asTbs(der: Uint8Array): Uint8Array {
  try {
    return certificateParts(der).tbsCertificate;
  } catch {
    return der;
  }
}
