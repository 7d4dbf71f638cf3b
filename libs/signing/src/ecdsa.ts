import { SigningError } from './errors';

/**
 * Converts an ECDSA signature from the fixed-width `r || s` form that PKCS#11 (`CKM_ECDSA`,
 * PKCS#11 v3.0 §2.3.1), WebCrypto and JOSE produce into the ASN.1 DER `Ecdsa-Sig-Value`
 * `SEQUENCE { r INTEGER, s INTEGER }` (RFC 3279 §2.2.3) that X.509, Rekor and sigstore expect.
 *
 * Requires `raw` to be two equal-width big-endian integers (64 bytes for P-256, 96 for P-384).
 *
 * @returns the DER encoding.
 * @throws SigningError `INVALID_SIGNATURE` when `raw` is empty or of odd length.
 */
export function ecdsaSignatureToDer(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0 || raw.length > 132) {
    throw new SigningError(
      'INVALID_SIGNATURE',
      `raw ECDSA signature must be r || s of equal widths, got ${raw.length} bytes`,
    );
  }
  const half = raw.length / 2;
  const r = derInteger(raw.subarray(0, half));
  const s = derInteger(raw.subarray(half));
  return Uint8Array.from([0x30, ...derLength(r.length + s.length), ...r, ...s]);
}

function derInteger(unsigned: Uint8Array): number[] {
  let start = 0;
  // DER integers are minimal: strip leading zero bytes but keep one for zero itself.
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const body = Array.from(unsigned.subarray(start));
  // A set top bit would read as negative; a 0x00 prefix keeps the integer positive.
  if ((body[0] ?? 0) & 0x80) body.unshift(0);
  return [0x02, ...derLength(body.length), ...body];
}

function derLength(length: number): number[] {
  return length < 0x80 ? [length] : [0x81, length];
}
