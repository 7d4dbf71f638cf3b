import { verify as nodeVerify, type KeyObject } from 'node:crypto';
import { SigningError } from '../errors';
import { digestOf, type SignatureAlgorithm, type Signer } from '../signer';
import { DerTag, encodeElement, encodeOid } from './der';

interface X509Algorithm {
  /** Node digest name, or null when the scheme hashes internally (Ed25519). */
  readonly digest: 'sha256' | 'sha384' | 'sha512' | null;
  /** `KeyObject.asymmetricKeyType` the signature scheme requires. */
  readonly keyType: 'ec' | 'rsa' | 'ed25519';
}

/** Certificate signature algorithms we verify (RFC 5758 §3.2, RFC 4055 §5, RFC 8410 §3). */
const BY_OID: Readonly<Record<string, X509Algorithm>> = {
  '1.2.840.10045.4.3.2': { digest: 'sha256', keyType: 'ec' },
  '1.2.840.10045.4.3.3': { digest: 'sha384', keyType: 'ec' },
  '1.2.840.10045.4.3.4': { digest: 'sha512', keyType: 'ec' },
  '1.2.840.113549.1.1.11': { digest: 'sha256', keyType: 'rsa' },
  '1.2.840.113549.1.1.12': { digest: 'sha384', keyType: 'rsa' },
  '1.2.840.113549.1.1.13': { digest: 'sha512', keyType: 'rsa' },
  '1.3.101.112': { digest: null, keyType: 'ed25519' },
};

const SIGNER_OID: Readonly<Record<SignatureAlgorithm, string>> = {
  'ecdsa-p256-sha256': '1.2.840.10045.4.3.2',
  'ecdsa-p384-sha384': '1.2.840.10045.4.3.3',
  'rsa-pkcs1-sha256': '1.2.840.113549.1.1.11',
  ed25519: '1.3.101.112',
};

/**
 * DER `AlgorithmIdentifier` a certificate signed by a signer of `algorithm` carries: parameters
 * absent for ECDSA (RFC 5758 §3.2) and Ed25519 (RFC 8410 §3), NULL for RSA (RFC 4055 §5).
 */
export function signatureAlgorithmIdentifier(algorithm: SignatureAlgorithm): Uint8Array {
  return ALGORITHM_IDENTIFIERS[algorithm].slice();
}

const ALGORITHM_IDENTIFIERS: Readonly<Record<SignatureAlgorithm, Uint8Array>> = {
  'ecdsa-p256-sha256': algorithmIdentifier('ecdsa-p256-sha256'),
  'ecdsa-p384-sha384': algorithmIdentifier('ecdsa-p384-sha384'),
  'rsa-pkcs1-sha256': algorithmIdentifier('rsa-pkcs1-sha256'),
  ed25519: algorithmIdentifier('ed25519'),
};

function algorithmIdentifier(algorithm: SignatureAlgorithm): Uint8Array {
  const oid = encodeOid(SIGNER_OID[algorithm]);
  return algorithm === 'rsa-pkcs1-sha256'
    ? encodeElement(DerTag.sequence, oid, Uint8Array.of(DerTag.null, 0))
    : encodeElement(DerTag.sequence, oid);
}

/**
 * Whether `signature` over `data` verifies under `publicKey` for the certificate signature
 * algorithm `oid`. Returns false (never throws) for an unsupported OID, a key of the wrong type,
 * or a bad signature; ECDSA signatures are DER `Ecdsa-Sig-Value` as in X.509.
 */
export function verifyWithAlgorithmOid(
  oid: string,
  data: Uint8Array,
  publicKey: KeyObject,
  signature: Uint8Array,
): boolean {
  const algorithm = BY_OID[oid];
  if (algorithm === undefined || publicKey.asymmetricKeyType !== algorithm.keyType) return false;
  try {
    return nodeVerify(algorithm.digest, data, publicKey, signature);
  } catch {
    return false;
  }
}

/** Whether `oid` is a certificate signature algorithm {@link verifyWithAlgorithmOid} supports. */
export function isSupportedSignatureOid(oid: string): boolean {
  return BY_OID[oid] !== undefined;
}

/**
 * Signs `data` with `signer` and checks the result against the signer's own public key, so a
 * misconfigured HSM or KMS key never yields a certificate or SCT that nobody can verify.
 * Throws `SIGNER_FAILURE` if signing throws or the signature does not verify.
 */
export async function signAndCheck(signer: Signer, data: Uint8Array): Promise<Uint8Array> {
  let signature: Uint8Array;
  try {
    signature = await signer.sign(data);
  } catch (cause) {
    throw new SigningError('SIGNER_FAILURE', `${signer.algorithm} signer failed`, { cause });
  }
  let ok: boolean;
  try {
    ok = nodeVerify(digestOf(signer.algorithm), data, signer.publicKey, signature);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new SigningError(
      'SIGNER_FAILURE',
      `${signer.algorithm} signer returned a signature that does not verify under its public key`,
    );
  }
  return signature;
}
