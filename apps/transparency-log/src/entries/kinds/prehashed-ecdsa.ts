import type { KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/p256';
import { p384 } from '@noble/curves/p384';

// Node's crypto always hashes the message itself, but a hashedrekord entry carries only the
// digest, so ECDSA over a precomputed digest goes through @noble/curves (audited, constant-form).
const CURVES = { prime256v1: p256, secp384r1: p384 } as const;

/**
 * Verifies a DER `Ecdsa-Sig-Value` (RFC 3279 §2.2.3) over `digest` with an ECDSA P-256 or P-384
 * public key (FIPS 186-5 §6.4.2). The digest is used as given, truncated to the bit length of the
 * group order. High-S signatures are accepted, as OpenSSL and Go accept them.
 *
 * @returns whether the signature is valid; false (never a throw) for a malformed or non-DER
 *   signature, a key on another curve, or r, s outside [1, n − 1].
 */
export function verifyPrehashedEcdsa(
  publicKey: KeyObject,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.asymmetricKeyType !== 'ec') return false;
  const curve = CURVES[(publicKey.asymmetricKeyDetails?.namedCurve ?? '') as keyof typeof CURVES];
  if (curve === undefined) return false;
  const jwk = publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([
    Buffer.of(4),
    Buffer.from(jwk.x ?? '', 'base64url'),
    Buffer.from(jwk.y ?? '', 'base64url'),
  ]);
  try {
    return curve.verify(signature, digest, point, { prehash: false, lowS: false, format: 'der' });
  } catch {
    return false;
  }
}
