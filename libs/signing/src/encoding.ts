import { SigningError } from './errors';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX = /^(?:[0-9a-f]{2})*$/;

/** Returns the standard, padded base64 encoding of `bytes` (RFC 4648 §4). */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Decodes standard, padded base64 (RFC 4648 §4) strictly: no whitespace, no URL-safe
 * alphabet, no missing padding and no non-zero trailing bits, so that every byte string has
 * exactly one accepted encoding (signed formats must not be malleable).
 *
 * @param what names the field in the error message.
 * @throws SigningError `INVALID_ENCODING` when `text` is not canonical base64.
 */
export function fromBase64(text: string, what: string): Uint8Array {
  const bytes = BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
  // Node ignores non-zero padding bits; re-encoding catches that second spelling.
  if (bytes === undefined || bytes.toString('base64') !== text) {
    throw new SigningError('INVALID_ENCODING', `${what} is not canonical standard base64`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Returns the lowercase hexadecimal encoding of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Decodes lowercase hexadecimal strictly (Rekor and sigstore-js only ever emit lowercase, and
 * a signed payload must be spelt exactly as the verifier will rebuild it).
 *
 * @param what names the field in the error message.
 * @param length the required number of decoded bytes, if any.
 * @throws SigningError `INVALID_ENCODING` on odd length, uppercase or non-hex characters, or
 *   when the decoded length differs from `length`.
 */
export function fromHex(text: string, what: string, length?: number): Uint8Array {
  if (!HEX.test(text)) {
    throw new SigningError('INVALID_ENCODING', `${what} is not lowercase hexadecimal`);
  }
  const bytes = Buffer.from(text, 'hex');
  if (length !== undefined && bytes.length !== length) {
    throw new SigningError(
      'INVALID_ENCODING',
      `${what} must be ${length} bytes, got ${bytes.length}`,
    );
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
