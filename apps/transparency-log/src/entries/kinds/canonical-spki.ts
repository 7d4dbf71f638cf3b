import type { KeyObject } from 'node:crypto';
import { nodeSpkiFormOf, publicKeyToDer, type SignatureAlgorithm } from '@app/signing';

/**
 * Returns the DER SPKI of `publicKey` (a key of `algorithm`) when the key is in its canonical
 * form, the one a JWK round trip gives (named curve, uncompressed point), else undefined: Node
 * keeps a compressed point, or explicit curve parameters, and exports them again.
 *
 * `spki` is the encoding the key was parsed from, when the caller has it (a certificate's
 * subjectPublicKeyInfo): in Node's own export form it is the answer without any export, since
 * Node exports such a key as exactly those bytes. Otherwise the canonical form is built from
 * the key's JWK coordinates and compared with its export. RSA keys have no other form: their
 * export is always the DER of (n, e) that a round trip gives.
 */
export function canonicalSpkiOf(
  publicKey: KeyObject,
  algorithm: SignatureAlgorithm,
  spki?: Uint8Array,
): Uint8Array | undefined {
  const form = nodeSpkiFormOf(algorithm);
  if (form === undefined) return publicKeyToDer(publicKey);
  if (spki !== undefined && inForm(spki, form.prefix, form.length)) return spki;
  const jwk = publicKey.export({ format: 'jwk' });
  const canonical = Buffer.concat([
    form.prefix,
    Buffer.from(jwk.x ?? '', 'base64url'),
    Buffer.from(jwk.y ?? '', 'base64url'),
  ]);
  return canonical.length === form.length && canonical.equals(publicKeyToDer(publicKey))
    ? canonical
    : undefined;
}

function inForm(spki: Uint8Array, prefix: Buffer, length: number): boolean {
  return spki.length === length && prefix.equals(spki.subarray(0, prefix.length));
}
