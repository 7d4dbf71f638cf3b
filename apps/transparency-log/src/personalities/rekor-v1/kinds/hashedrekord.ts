// hashedrekord v0.0.1: a signature over an artifact digest (rekor:pkg/types/hashedrekord/v0.0.1,
// hashedrekord_v0_0_1_schema.json). Validation, verification over the digest and the canonical form
// follow Rekor's `validate` and `Canonicalize`; the key/hash pairs are those of Rekor's default
// `--client-signing-algorithms` that Node can verify.
import {
  canonicalJsonBytes,
  digestOf,
  type DigestAlgorithm,
  toBase64,
  verifyDigestSignature,
} from '@app/signing';
import { EntryError, type CanonicalEntry, type ParsedEntry } from './canonical-entry';
import { readBase64, readDigestAlgorithm, readHexDigest, readObject } from './fields';
import { uniqueKeys } from './index-keys';
import {
  checkSuppliedChain,
  parseVerifierMaterial,
  type VerifierMaterial,
} from './verifier-material';

/** The apiVersion this module implements. */
export const HASHEDREKORD_VERSION = '0.0.1';

/**
 * Validates a hashedrekord v0.0.1 `spec` (at path `spec`) and builds Rekor's canonical entry: the
 * signature bytes re-encoded as base64, the certificate(s) or key re-encoded as PEM, the digest as
 * given. `verify()` then checks the signature over the given digest.
 *
 * @throws EntryError `MALFORMED_ENTRY` for a missing, extra or mistyped field, bad base64, an
 *   unknown hash algorithm, a digest of the wrong length or a hash the key cannot be used with;
 *   `INVALID_VERIFIER` for an unusable key or certificate (Ed25519 included: Rekor verifies it as
 *   Ed25519ph, which Node cannot); from `verify()`, `INVALID_SIGNATURE` when the signature does
 *   not verify.
 */
export function parseHashedRekord(spec: unknown): ParsedEntry {
  const fields = readObject(spec, 'spec', ['data', 'signature']);
  const signature = readObject(fields.signature, 'spec.signature', ['content', 'publicKey']);
  const publicKey = readObject(signature.publicKey, 'spec.signature.publicKey', ['content']);
  const data = readObject(fields.data, 'spec.data', ['hash']);
  const hash = readObject(data.hash, 'spec.data.hash', ['algorithm', 'value']);

  const algorithm = readDigestAlgorithm(hash.algorithm, 'spec.data.hash.algorithm', [
    'sha256',
    'sha384',
    'sha512',
  ]);
  const value = readHexDigest(hash.value, 'spec.data.hash.value', algorithm);
  const signatureBytes = readBase64(signature.content, 'spec.signature.content');
  const keyPath = 'spec.signature.publicKey.content';
  const material = parseVerifierMaterial(publicKey.content, keyPath);
  checkAlgorithmPair(material, algorithm, keyPath);

  const hexDigest = value.toString('hex');
  const body = Buffer.from(
    canonicalJsonBytes({
      apiVersion: HASHEDREKORD_VERSION,
      kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm, value: hexDigest } },
        signature: {
          content: toBase64(signatureBytes),
          publicKey: { content: Buffer.from(material.canonicalPem).toString('base64') },
        },
      },
    }),
  );
  const entry: CanonicalEntry = {
    kind: 'hashedrekord',
    apiVersion: HASHEDREKORD_VERSION,
    body,
    verifiers: [material.verifier],
    indexKeys: uniqueKeys([`${algorithm}:${hexDigest}`, ...material.indexKeys]),
  };
  return {
    kind: entry.kind,
    apiVersion: entry.apiVersion,
    verifiers: entry.verifiers,
    body: entry.body,
    minBodyLength: body.length,
    verify: () => {
      checkSuppliedChain(material, keyPath);
      if (!verifyDigestSignature(material.verifier.publicKey, algorithm, value, signatureBytes)) {
        throw new EntryError(
          'INVALID_SIGNATURE',
          'spec.signature: signature does not verify against the digest with the given public key',
        );
      }
      return entry;
    },
  };
}

/** {@link parseHashedRekord}, then `verify()`. */
export function canonicalizeHashedRekord(spec: unknown): CanonicalEntry {
  return parseHashedRekord(spec).verify();
}

// Rekor permits ECDSA P-256 with SHA-256, P-384 with SHA-384 and RSA with SHA-256 (and P-521 and
// Ed25519ph with SHA-512, which Signet's key support and Node's crypto leave out).
function checkAlgorithmPair(
  material: VerifierMaterial,
  algorithm: DigestAlgorithm,
  keyPath: string,
): void {
  const keyDigest = digestOf(material.algorithm);
  if (keyDigest === null) {
    throw new EntryError(
      'INVALID_VERIFIER',
      `${keyPath}: Ed25519 keys are not supported in hashedrekord entries (Rekor verifies them as Ed25519ph)`,
    );
  }
  if (keyDigest !== algorithm) {
    throw new EntryError(
      'MALFORMED_ENTRY',
      `spec.data.hash.algorithm: ${algorithm} cannot be used with this ${material.algorithm} key (expected ${keyDigest})`,
    );
  }
}
