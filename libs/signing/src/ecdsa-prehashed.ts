import { createECDH, type KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/p256';
import { p384 } from '@noble/curves/p384';
import { bytesToNumberBE } from '@noble/curves/utils';

// Node's crypto always hashes the message itself (crypto.verify(null, …) included), but a
// hashedrekord entry carries only the digest. @noble/curves (audited) verifies over a digest but
// costs milliseconds in BigInt arithmetic, so P-256 takes a native shortcut (below) and noble
// remains the reference and the fallback for every case the shortcut does not cover.
const CURVES = { prime256v1: p256, secp384r1: p384 } as const;

const Fn = p256.Point.Fn;
// One instance, used synchronously only: its "private key" is a public scalar of the verification.
const ecdh = createECDH('prime256v1');

/**
 * Verifies a DER `Ecdsa-Sig-Value` (RFC 3279 §2.2.3) over `digest` with an ECDSA P-256 or P-384
 * public key (FIPS 186-5 §6.4.2). The digest is used as given, truncated to the bit length of the
 * group order. High-S signatures are accepted, as OpenSSL and Go accept them.
 *
 * Exactly @noble/curves' `verify(signature, digest, key, { prehash: false, lowS: false,
 * format: 'der' })`: P-256 with a 32-byte digest goes through {@link verifyP256WithEcdh}, which
 * decides the same way or defers to noble.
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
    if (curve === p256 && digest.length === 32) {
      // The same strict DER parser and [1, n − 1] range checks noble's verify applies.
      const { r, s } = p256.Signature.fromBytes(signature, 'der');
      const verdict = verifyP256WithEcdh(point, digest, r, s);
      if (verdict !== undefined) return verdict;
    }
    return curve.verify(signature, digest, point, { prehash: false, lowS: false, format: 'der' });
  } catch {
    return false;
  }
}

/**
 * ECDSA P-256 verification (FIPS 186-5 §6.4.2) with the two scalar multiplications done by
 * OpenSSL through Node's ECDH, which multiplies natively but exposes only `k·G` (the public key
 * of private key `k`) and the x-coordinate of `k·P` (the shared secret with public key `P`).
 *
 * With e = digest mod n, u1 = e·s⁻¹ and u2 = r·s⁻¹, the group having prime order n:
 * R = u1·G + u2·Q = u2·((u1/u2)·G + Q) = u2·((e·r⁻¹)·G + Q). So T = (e·r⁻¹)·G is computed natively
 * as a full point, T + Q with noble's point addition, x(R) natively as the ECDH secret of u2 and
 * T + Q, and the signature is valid iff x(R) mod n = r: no square root, no sign of y to guess.
 *
 * Requires `point` to be an uncompressed P-256 point (SEC 1 §2.3.3), `digest` 32 bytes, and
 * 1 ≤ r, s ≤ n − 1 (as noble's `Signature` guarantees).
 *
 * @returns whether the signature is valid; undefined when this method cannot decide and noble
 *   must: e ≡ 0 (mod n) (u1 = 0: ECDH refuses a zero scalar), T + Q at infinity (then R is the
 *   point at infinity), or any error from Node or noble (e.g. a point off the curve).
 */
export function verifyP256WithEcdh(
  point: Uint8Array,
  digest: Uint8Array,
  r: bigint,
  s: bigint,
): boolean | undefined {
  // One inversion for both: r⁻¹ = s·(rs)⁻¹ and s⁻¹ = r·(rs)⁻¹.
  const rsInverse = Fn.inv(Fn.mul(r, s));
  const k = Fn.mul(Fn.create(bytesToNumberBE(digest)), Fn.mul(s, rsInverse));
  if (k === 0n) return undefined;
  const u2 = Fn.mul(r, Fn.mul(r, rsInverse));
  try {
    ecdh.setPrivateKey(Fn.toBytes(k));
    const sum = p256.Point.fromBytes(ecdh.getPublicKey()).add(p256.Point.fromBytes(point));
    if (sum.is0()) return undefined;
    ecdh.setPrivateKey(Fn.toBytes(u2));
    const x = ecdh.computeSecret(sum.toBytes(false));
    return Fn.create(bytesToNumberBE(x)) === r;
  } catch {
    return undefined;
  }
}
