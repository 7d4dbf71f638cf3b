import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { publicKeyFromSpki } from '@app/signing';
import { CaError } from '../errors';
import type { KeyAlgorithm } from '../policy/rules.config';

const CURVES: Record<string, KeyAlgorithm> = {
  prime256v1: 'ecdsa-p256',
  secp384r1: 'ecdsa-p384',
  secp521r1: 'ecdsa-p521',
};
const DIGEST: Record<KeyAlgorithm, string | null> = {
  'ecdsa-p256': 'sha256',
  'ecdsa-p384': 'sha384',
  'ecdsa-p521': 'sha512',
  ed25519: null,
  'rsa-2048': 'sha256',
  'rsa-3072': 'sha256',
  'rsa-4096': 'sha256',
};

/**
 * Parses the client's public key (PEM, or base64/raw DER SubjectPublicKeyInfo) and returns it
 * with its algorithm. ECDSA P-256/384/521, Ed25519 and RSA 2048/3072/4096 with e = 65537 only;
 * anything else is INVALID_KEY saying why.
 */
export function parseClientKey(
  content: unknown,
  field: string,
): { key: KeyObject; algorithm: KeyAlgorithm } {
  if (typeof content !== 'string' || content.length === 0 || content.length > 16_384) {
    throw new CaError('INVALID_REQUEST', `${field} must be a PEM or base64 DER public key`);
  }
  let key: KeyObject;
  try {
    if (content.includes('-----BEGIN')) {
      const der = publicKeyBlock(content);
      // Anything but one plain PUBLIC KEY block goes to OpenSSL's PEM reader, as it always did.
      key =
        der === undefined
          ? createPublicKey({ key: content, format: 'pem' })
          : publicKeyFromSpki(der);
    } else {
      key = publicKeyFromSpki(Buffer.from(content, 'base64'));
    }
  } catch {
    throw new CaError('INVALID_KEY', `${field} could not be parsed as a public key`);
  }
  return { key, algorithm: keyAlgorithmOf(key, field) };
}

const PUBLIC_KEY_BLOCK =
  /^\s*-----BEGIN PUBLIC KEY-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END PUBLIC KEY-----\s*$/;

/**
 * The DER of a PEM text that is exactly one `PUBLIC KEY` block (RFC 7468 §13) in strict base64
 * (64-character lines are not required, but the characters must be the canonical encoding of the
 * bytes), else undefined.
 */
export function publicKeyBlock(pem: string): Buffer | undefined {
  const body = PUBLIC_KEY_BLOCK.exec(pem)?.[1]?.replace(/\r?\n/g, '');
  if (body === undefined || body.length === 0) return undefined;
  const der = Buffer.from(body, 'base64');
  return der.toString('base64') === body ? der : undefined;
}

/** The algorithm of an acceptable client key, or INVALID_KEY naming what is wrong with it. */
export function keyAlgorithmOf(key: KeyObject, field: string): KeyAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const algorithm = CURVES[details.namedCurve ?? ''];
    if (algorithm === undefined) {
      throw new CaError(
        'INVALID_KEY',
        `${field}: curve ${details.namedCurve ?? 'unknown'} is not supported (P-256, P-384, P-521)`,
      );
    }
    return algorithm;
  }
  if (type === 'ed25519') return 'ed25519';
  if (type === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits !== 2048 && bits !== 3072 && bits !== 4096) {
      throw new CaError(
        'INVALID_KEY',
        `${field}: RSA keys must be 2048, 3072 or 4096 bits, got ${bits}`,
      );
    }
    if (details.publicExponent !== 65537n) {
      throw new CaError(
        'INVALID_KEY',
        `${field}: RSA public exponent must be 65537, got ${details.publicExponent}`,
      );
    }
    return `rsa-${bits}` as KeyAlgorithm;
  }
  // dh, dsa, ed448, rsa-pss, x25519, x448, and the post-quantum types of Node 24
  throw new CaError('INVALID_KEY', `${field}: ${type ?? 'unknown'} keys are not supported`);
}

/**
 * Checks the proof of possession: a signature by the client key over the UTF-8 challenge (the
 * token's email, else its subject), hashed as the key type demands (Fulcio: P-256 SHA-256,
 * P-384 SHA-384, P-521 SHA-512, RSA PKCS#1 v1.5 SHA-256, Ed25519 pure).
 */
export function verifyProofOfPossession(
  key: KeyObject,
  algorithm: KeyAlgorithm,
  challenge: string,
  proof: unknown,
): void {
  if (typeof proof !== 'string' || proof.length === 0) {
    throw new CaError(
      'INVALID_REQUEST',
      'publicKeyRequest.proofOfPossession must be a base64 signature',
    );
  }
  const signature = Buffer.from(proof, 'base64');
  let ok: boolean;
  try {
    ok = verify(
      DIGEST[algorithm],
      Buffer.from(challenge, 'utf8'),
      { key, dsaEncoding: 'der' },
      signature,
    );
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new CaError(
      'INVALID_PROOF_OF_POSSESSION',
      `publicKeyRequest.proofOfPossession: the signature does not verify over the token's ${challenge.includes('@') ? 'email' : 'subject'} "${challenge}" with the given public key`,
    );
  }
}
