import type { KeyObject } from 'node:crypto';

/** A key's protobuf-specs `PublicKeyDetails`, and the digest its signatures are made over. */
export interface PublicKeyDetails {
  readonly keyDetails: string;
  /** null for pure Ed25519, which signs the message itself. */
  readonly digest: 'sha256' | 'sha384' | 'sha512' | null;
}

/**
 * The protobuf-specs `PublicKeyDetails` a key takes by default, as Sigstore verifiers read it from
 * a trusted root and sigstore-go rebuilds Rekor v2 entries with it. RSA is named by its size (a
 * 3072-bit key labelled 2048 would be misread); undefined for a key there is no name for.
 */
export function publicKeyDetails(key: KeyObject): PublicKeyDetails | undefined {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ed25519') return { keyDetails: 'PKIX_ED25519', digest: null };
  if (key.asymmetricKeyType === 'ec') {
    if (curve === 'prime256v1') return { keyDetails: 'PKIX_ECDSA_P256_SHA_256', digest: 'sha256' };
    if (curve === 'secp384r1') return { keyDetails: 'PKIX_ECDSA_P384_SHA_384', digest: 'sha384' };
    if (curve === 'secp521r1') return { keyDetails: 'PKIX_ECDSA_P521_SHA_512', digest: 'sha512' };
  }
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength;
    if (bits === 2048 || bits === 3072 || bits === 4096) {
      return { keyDetails: `PKIX_RSA_PKCS1V15_${bits}_SHA256`, digest: 'sha256' };
    }
  }
  return undefined;
}
