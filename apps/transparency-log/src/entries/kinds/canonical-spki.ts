import type { KeyObject } from 'node:crypto';
import { publicKeyToDer, type SignatureAlgorithm } from '@app/signing';

/**
 * The DER SubjectPublicKeyInfo Node exports for a P-256, P-384 (named curve, uncompressed point;
 * RFC 5480 §2) or Ed25519 (RFC 8410 §4) key: a fixed prefix, then the point or key bytes.
 */
const EXPORT_FORMS: Readonly<
  Partial<Record<SignatureAlgorithm, { readonly prefix: Buffer; readonly length: number }>>
> = {
  // SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING { 0x04 ‖ x ‖ y } }
  'ecdsa-p256-sha256': {
    prefix: Buffer.from('3059301306072a8648ce3d020106082a8648ce3d03010703420004', 'hex'),
    length: 91,
  },
  // SEQUENCE { SEQUENCE { id-ecPublicKey, secp384r1 }, BIT STRING { 0x04 ‖ x ‖ y } }
  'ecdsa-p384-sha384': {
    prefix: Buffer.from('3076301006072a8648ce3d020106052b8104002203620004', 'hex'),
    length: 120,
  },
  // SEQUENCE { SEQUENCE { id-Ed25519 }, BIT STRING { key } }
  ed25519: { prefix: Buffer.from('302a300506032b6570032100', 'hex'), length: 44 },
};

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
  const form = EXPORT_FORMS[algorithm];
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
