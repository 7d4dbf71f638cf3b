import type { KeyObject } from 'node:crypto';
import { SigningError } from './errors';

/**
 * Signature algorithms a {@link Signer} produces. ECDSA signatures are ASN.1 DER
 * (`Ecdsa-Sig-Value`, RFC 3279 §2.2.3); Ed25519 signatures are the raw 64 bytes (RFC 8032);
 * RSA signatures are PKCS#1 v1.5 (RFC 8017 §8.2).
 */
export type SignatureAlgorithm =
  'ecdsa-p256-sha256' | 'ecdsa-p384-sha384' | 'ed25519' | 'rsa-pkcs1-sha256';

/**
 * Anything that can sign for Signet: a key file, an HSM over PKCS#11, a cloud KMS.
 * Every CA and log key goes through this interface so that the private key never has to
 * live in the process. `sign` hashes the message itself (the hash is fixed by `algorithm`).
 */
export interface Signer {
  /** The algorithm of every signature this signer returns. */
  readonly algorithm: SignatureAlgorithm;
  /** The public key, as a Node KeyObject (export DER SPKI with `export({type:'spki',format:'der'})`). */
  readonly publicKey: KeyObject;
  /** Signs `data` (the message, not a digest) and returns the signature in the algorithm's encoding. */
  sign(data: Uint8Array): Promise<Uint8Array>;
  /** Releases what the signer holds (a PKCS#11 session); signers holding nothing omit it. */
  close?(): Promise<void> | void;
}

/** Node's digest name for an algorithm, or `null` for Ed25519 (which hashes internally). */
export function digestOf(algorithm: SignatureAlgorithm): 'sha256' | 'sha384' | null {
  switch (algorithm) {
    case 'ecdsa-p256-sha256':
    case 'rsa-pkcs1-sha256':
      return 'sha256';
    case 'ecdsa-p384-sha384':
      return 'sha384';
    case 'ed25519':
      return null;
  }
}

/**
 * Checks that `signer` can produce the signatures Rekor clients verify for checkpoints and
 * signed entry timestamps: those verify ECDSA and RSA over SHA-256 whatever the key size
 * (sigstore-js `crypto.verify(undefined, …)`, Rekor `LoadVerifier(key, SHA256)`), so a P-384
 * signer, which hashes with SHA-384, would produce signatures no client accepts.
 *
 * @param purpose names the signed object in the error message.
 * @throws SigningError `UNSUPPORTED_KEY` for an `ecdsa-p384-sha384` signer.
 */
export function assertSha256Signer(signer: Signer, purpose: string): void {
  if (digestOf(signer.algorithm) === 'sha384') {
    throw new SigningError(
      'UNSUPPORTED_KEY',
      `${purpose} needs a P-256, Ed25519 or RSA key: clients verify ECDSA over SHA-256 only`,
    );
  }
}
