// The verification material of an entry: a base64 PEM certificate (or chain, leaf first) or PEM
// public key, as Rekor's x509 PublicKey type reads it (rekor:pkg/pki/x509/x509.go).
import type { KeyObject } from 'node:crypto';
import {
  certificatesFromPem,
  certificatesToPem,
  fingerprintOf,
  hasCanonicalSpki,
  parseCertificate,
  parsePublicKey,
  preAuthEncoding,
  publicKeyToPem,
  signatureAlgorithmOf,
  SigningError,
  subjectAltNames,
  verifyChain,
  verifySignature,
  type ParsedCertificate,
  type SignatureAlgorithm,
} from '@app/signing';
import { EntryError, type EntryVerifier } from './canonical-entry';
import { readBase64 } from './fields';

/** Rekor reads at most ten certificates (cryptoutils `UnmarshalCertificatesFromPEMLimited`). */
const MAX_CHAIN_LENGTH = 10;
const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]+)-----/;

/** A parsed verifier: a public key, or a certificate chain whose first certificate signed. */
export interface VerifierMaterial {
  /** The PEM text exactly as the client sent it (base64-decoded once). */
  readonly pem: string;
  /** Rekor's `CanonicalValue`: the certificates re-encoded as PEM, or the key as a PEM SPKI. */
  readonly canonicalPem: string;
  readonly verifier: EntryVerifier;
  readonly algorithm: SignatureAlgorithm;
  /** `key:<sha256 of the DER SPKI>`, then the leaf's `email:` and `uri:` SANs. */
  readonly indexKeys: readonly string[];
  /** Lowercase hex SHA-256 of the key's DER SPKI (what `key:` indexes, and a DSSE keyid may name). */
  readonly fingerprint: string;
  /** The certificates as sent, leaf first; empty for a bare key. */
  readonly chain: readonly ParsedCertificate[];
}

/**
 * Decodes and parses the base64 PEM at `path`, verifying no signature: a chain sent with the
 * leaf is checked by {@link checkSuppliedChain}, after write authorization.
 *
 * @throws EntryError `MALFORMED_ENTRY` when `value` is not canonical base64; `INVALID_VERIFIER`
 *   (naming `path`) for anything but a PEM certificate chain or PEM public key, a malformed one,
 *   a key type Signet does not support, or a compressed or otherwise non-canonical key encoding.
 */
export function parseVerifierMaterial(value: unknown, path: string): VerifierMaterial {
  const bytes = Buffer.from(readBase64(value, path));
  const pem = bytes.toString('utf8');
  const label = PEM_LABEL.exec(pem)?.[1];
  try {
    if (!Buffer.from(pem, 'utf8').equals(bytes) || label === undefined) {
      throw invalidVerifier(path, 'not a PEM certificate or public key');
    }
    if (label === 'CERTIFICATE') return fromCertificates(pem, path);
    if (label === 'PUBLIC KEY') return fromKey(pem, parsePublicKey(pem), path);
    throw invalidVerifier(path, `PEM block "${label}" is neither CERTIFICATE nor PUBLIC KEY`);
  } catch (cause) {
    if (cause instanceof SigningError) throw invalidVerifier(path, cause.message, cause);
    throw cause;
  }
}

/**
 * Whether `signature` is a DSSE signature (DSSE `protocol.md`) by `material` over the PAE of
 * `payloadType` and `payload`. ECDSA and RSA hash with SHA-256 whatever the key size, as Rekor
 * (`LoadVerifier(key, SHA256)`) and sigstore-js (`crypto.verify(undefined, …)`) verify them.
 */
export function verifiesDsse(
  material: VerifierMaterial,
  payloadType: string,
  payload: Uint8Array,
  signature: Uint8Array,
): boolean {
  const pae = preAuthEncoding(payloadType, payload);
  return verifySignature(material.verifier.publicKey, pae, signature, 'sha256');
}

/**
 * Checks that a chain sent with the leaf (up to ten certificates) verifies from the first
 * certificate to the last at the first one's notBefore, as Rekor checks it; expiry and trust are
 * the verifier's business, not the log's. Nothing to check for a key or a lone certificate.
 *
 * @throws EntryError `INVALID_VERIFIER` naming `path` when the chain does not verify.
 */
export function checkSuppliedChain(material: VerifierMaterial, path: string): void {
  const { chain } = material;
  if (chain.length < 2) return;
  const leaf = chain[0]!;
  try {
    verifyChain(leaf, chain.slice(1, -1), chain.slice(-1), leaf.notBefore);
  } catch (cause) {
    if (cause instanceof SigningError) throw invalidVerifier(path, cause.message, cause);
    throw cause;
  }
}

function fromCertificates(pem: string, path: string): VerifierMaterial {
  const ders = certificatesFromPem(pem);
  if (ders.length > MAX_CHAIN_LENGTH) {
    throw invalidVerifier(path, `chain has ${ders.length} certificates; at most 10 are read`);
  }
  const chain = ders.map((der) => parseCertificate(der));
  const leaf = chain[0]!;
  const key = checkKey(leaf.publicKey, path);
  return {
    pem,
    canonicalPem: certificatesToPem(ders),
    verifier: { publicKey: leaf.publicKey, certificate: leaf },
    algorithm: key.algorithm,
    indexKeys: [`key:${key.fingerprint}`, ...sanKeys(leaf)],
    fingerprint: key.fingerprint,
    chain,
  };
}

function fromKey(pem: string, publicKey: KeyObject, path: string): VerifierMaterial {
  const key = checkKey(publicKey, path);
  return {
    pem,
    canonicalPem: publicKeyToPem(publicKey),
    verifier: { publicKey },
    algorithm: key.algorithm,
    indexKeys: [`key:${key.fingerprint}`],
    fingerprint: key.fingerprint,
    chain: [],
  };
}

/**
 * The key's algorithm and fingerprint, once the key is known to be in its one canonical SPKI
 * form: Go's x509 parser (and so Rekor) refuses compressed EC points, which Node accepts and
 * would re-export compressed.
 */
function checkKey(
  publicKey: KeyObject,
  path: string,
): { algorithm: SignatureAlgorithm; fingerprint: string } {
  const algorithm = signatureAlgorithmOf(publicKey);
  if (!hasCanonicalSpki(publicKey)) {
    throw invalidVerifier(path, 'public key is not in canonical SPKI form (compressed EC point?)');
  }
  return { algorithm, fingerprint: fingerprintOf(publicKey) };
}

function sanKeys(leaf: ParsedCertificate): string[] {
  const keys: string[] = [];
  for (const name of subjectAltNames(leaf)) {
    if (name.type === 'email') keys.push(`email:${name.value.toLowerCase()}`);
    if (name.type === 'uri') keys.push(`uri:${name.value}`);
  }
  return keys;
}

function invalidVerifier(path: string, check: string, cause?: unknown): EntryError {
  return new EntryError(
    'INVALID_VERIFIER',
    `${path}: ${check}`,
    cause === undefined ? undefined : { cause },
  );
}
