import { constants, publicDecrypt, type KeyObject } from 'node:crypto';
import { verifyPrehashedEcdsa } from './ecdsa-prehashed';

/** The digest algorithms Rekor's entry schemas name, with their digest lengths in bytes. */
export const DIGEST_LENGTHS = { sha256: 32, sha384: 48, sha512: 64 } as const;

/** A digest algorithm of {@link DIGEST_LENGTHS}. */
export type DigestAlgorithm = keyof typeof DIGEST_LENGTHS;

// DER DigestInfo prefixes, RFC 8017 §9.2 note 1: the signed block is prefix || digest.
const DIGEST_INFO_PREFIX: Readonly<Record<DigestAlgorithm, string>> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

/**
 * Verifies `signature` over a precomputed `digest` made with `algorithm`, as Rekor does for
 * hashedrekord (`WithDigest`): ECDSA (P-256, P-384; DER signature) over the digest itself, RSA as
 * PKCS#1 v1.5 (RFC 8017 §8.2.2) whose encoded message must be exactly DigestInfo(algorithm,
 * digest). Ed25519 is not handled: Rekor verifies it as Ed25519ph, which Node cannot do.
 *
 * Requires `digest` to have the length `algorithm` produces.
 *
 * @returns whether the signature is valid; false for any other key type or a malformed signature.
 */
export function verifyDigestSignature(
  publicKey: KeyObject,
  algorithm: DigestAlgorithm,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (digest.length !== DIGEST_LENGTHS[algorithm]) return false;
  const type = publicKey.asymmetricKeyType;
  if (type === 'ec') return verifyPrehashedEcdsa(publicKey, digest, signature);
  if (type === 'rsa') return verifyRsaPkcs1(publicKey, algorithm, digest, signature);
  return false;
}

function verifyRsaPkcs1(
  publicKey: KeyObject,
  algorithm: DigestAlgorithm,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  // RFC 8017 §8.2.2 step 1: the signature is exactly as long as the modulus.
  const modulusBits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (signature.length !== Math.ceil(modulusBits / 8)) return false;
  let encoded: Buffer;
  try {
    // The public-key operation plus the check of the 0x00 0x01 0xff… 0x00 padding
    // (EMSA-PKCS1-v1_5); what it returns must then be byte-equal to the DigestInfo, so no ASN.1
    // is parsed.
    encoded = publicDecrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
      Buffer.from(signature),
    );
  } catch {
    return false;
  }
  const expected = Buffer.concat([Buffer.from(DIGEST_INFO_PREFIX[algorithm], 'hex'), digest]);
  return encoded.equals(expected);
}
