/* The SignedEntity @sigstore/verify checks, for a file or for only its digest. sigstore-js
   verifies a message signature by hashing the artifact itself, so digest input needs a
   SignatureContent that verifies over the digest (as Rekor does for hashedrekord). */
import type { Bundle, MessageSignature } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { type SignedEntity, toSignedEntity, VerificationError } from '@sigstore/verify';
import type { KeyObject } from 'node:crypto';
import { verifyDigestSignature } from '@app/signing';
import { verificationFailed } from '../cli/exit-codes';
import { type ArtifactInput, DIGEST_PREFIX } from './artifact-input';

/**
 * The entity to verify `bundle` against `input`. A DSSE envelope signs its own payload, so it is
 * verified without the artifact (its subject is checked afterwards). A message signature over a
 * file is sigstore-js's; over a digest, the bundle's `messageDigest` must be that SHA-256 (else
 * exit 1, `MESSAGE_DIGEST_MISMATCH`) and the signature is verified over it.
 */
export function signedEntityFor(bundle: Bundle, input: ArtifactInput): SignedEntity {
  const { content } = bundle;
  if (content.$case === 'dsseEnvelope') return toSignedEntity(bundle);
  if (input.kind === 'file') return toSignedEntity(bundle, input.data);
  const digest = checkMessageDigest(content.messageSignature, input.sha256);
  return {
    ...toSignedEntity(bundle),
    signature: prehashedSignature(content.messageSignature.signature, digest),
  };
}

/** The bundle's messageDigest, checked to be the SHA-256 `sha256` (hex). */
function checkMessageDigest(message: MessageSignature, sha256: string): Buffer {
  const { algorithm, digest } = message.messageDigest;
  if (algorithm !== HashAlgorithm.SHA2_256) {
    throw verificationFailed(
      `the bundle's messageDigest is ${HashAlgorithm[algorithm]}, not SHA2_256: give the file instead of its sha256`,
      'MESSAGE_DIGEST_MISMATCH',
    );
  }
  if (digest.toString('hex') !== sha256) {
    throw verificationFailed(
      `the bundle's messageDigest is ${DIGEST_PREFIX}${digest.toString('hex')}, not the given ${DIGEST_PREFIX}${sha256}`,
      'MESSAGE_DIGEST_MISMATCH',
    );
  }
  return digest;
}

/**
 * A message signature known only by the SHA-256 `digest` of what it signs. The log entry must
 * record that digest and that signature; the signature is verified over the digest (ECDSA, RSA
 * PKCS#1 v1.5). Ed25519 signs the message itself, so it cannot be verified from a digest.
 */
function prehashedSignature(signature: Buffer, digest: Buffer): SignedEntity['signature'] {
  return {
    signature,
    compareSignature: (other) => other.equals(signature),
    compareDigest: (other) => other.equals(digest),
    compareSignedDigest: (other) => other.equals(digest),
    verifySignature: (key: KeyObject) => {
      if (key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448') {
        throw new VerificationError({
          code: 'SIGNATURE_ERROR',
          message: `an ${key.asymmetricKeyType} signature covers the file, not its digest: give the file`,
        });
      }
      return verifyDigestSignature(key, 'sha256', digest, signature);
    },
  };
}
