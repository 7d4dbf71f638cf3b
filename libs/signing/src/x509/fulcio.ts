import { SigningError } from '../errors';
import { decodeUtf8, decodeUtf8String, encodeUtf8, encodeUtf8String } from './der';
import { compareOids, fulcioValueEncoding } from './oids';
import { asParsedCertificate, type CertificateInput } from './parse';
import { encodeExtension } from './extensions';

/**
 * DER Extensions (all non-critical) for Sigstore OID → value pairs, sorted by OID so the output
 * does not depend on map order. `.1`–`.6` carry the raw UTF-8 bytes (Fulcio's deprecated form),
 * `.8`–`.24` and later a DER UTF8String (Fulcio `docs/oid-info.md`). Throws
 * `INVALID_CERTIFICATE_TEMPLATE` for an OID outside 1.3.6.1.4.1.57264.1, for `.7` (a SAN
 * type-id, not an extension) or for an empty value.
 */
export function encodeFulcioExtensions(values: Readonly<Record<string, string>>): Uint8Array[] {
  return Object.keys(values)
    .sort(compareOids)
    .map((oid) => {
      const value = values[oid]!;
      const encoding = fulcioValueEncoding(oid);
      if (encoding === null) {
        throw new SigningError(
          'INVALID_CERTIFICATE_TEMPLATE',
          `${oid} is not a Sigstore certificate extension (1.3.6.1.4.1.57264.1.1-6 or .8 and above)`,
        );
      }
      if (value.length === 0) {
        throw new SigningError(
          'INVALID_CERTIFICATE_TEMPLATE',
          `extension ${oid} has an empty value`,
        );
      }
      const bytes = encoding === 'raw' ? encodeUtf8(value) : encodeUtf8String(value);
      return encodeExtension(oid, false, bytes);
    });
}

/**
 * The Sigstore extensions of a certificate as OID → string (Fulcio `pkg/certificate`): raw bytes
 * decoded as UTF-8 for `.1`–`.6`, the DER UTF8String for `.8` and later. Other extensions are
 * ignored. Accepts the certificate parsed, as DER or as PEM. Throws `INVALID_CERTIFICATE` for a
 * malformed certificate, naming the OID when a value is not UTF-8 or not one DER UTF8String.
 */
export function readFulcioExtensions(certificate: CertificateInput): Record<string, string> {
  const out: Record<string, string> = {};
  for (const extension of asParsedCertificate(certificate).extensions) {
    const encoding = fulcioValueEncoding(extension.oid);
    if (encoding === null) continue;
    try {
      out[extension.oid] =
        encoding === 'raw' ? decodeUtf8(extension.value) : decodeUtf8String(extension.value);
    } catch (cause) {
      const expected = encoding === 'raw' ? 'UTF-8 text' : 'a DER UTF8String';
      throw new SigningError(
        'INVALID_CERTIFICATE',
        `extension ${extension.oid} is not ${expected}`,
        {
          cause,
        },
      );
    }
  }
  return out;
}
