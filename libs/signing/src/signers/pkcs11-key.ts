import { type KeyObject } from 'node:crypto';
import type * as Pkcs11 from 'pkcs11js';
import { SigningError } from '../errors';
import { publicKeyFromJwk } from '../keys';
import type { SignatureAlgorithm } from '../signer';
import { pkcs11Failure, type Pkcs11Module } from './pkcs11-module';
import { findObjects } from './pkcs11-session';

// PKCS#11 v3.0 values (§2.3) that pkcs11js, a v2.40 binding, does not define.
/** Key type of Edwards-curve keys (`CKK_EC_EDWARDS`). */
export const CKK_EC_EDWARDS = 0x40;
/** Mechanism generating Edwards-curve key pairs (`CKM_EC_EDWARDS_KEY_PAIR_GEN`). */
export const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
/** Mechanism signing with EdDSA, pure Ed25519 without parameters (`CKM_EDDSA`). */
export const CKM_EDDSA = 0x1057;

interface Curve {
  jwkCurve: 'P-256' | 'P-384' | 'Ed25519';
  /** Byte length of the public point: uncompressed `04 || X || Y`, or the 32-byte Ed25519 key. */
  pointLength: number;
}

// CKA_EC_PARAMS holds the DER of the curve's OID (RFC 5480 §2.1.1.1, RFC 8410 §3); for
// Ed25519 PKCS#11 v3.0 §2.3.5 also allows the PrintableString "edwards25519".
const CURVES = new Map<string, Curve>([
  ['06082a8648ce3d030107', { jwkCurve: 'P-256', pointLength: 65 }],
  ['06052b81040022', { jwkCurve: 'P-384', pointLength: 97 }],
  ['06032b6570', { jwkCurve: 'Ed25519', pointLength: 32 }],
  ['130c656477617264733235353139', { jwkCurve: 'Ed25519', pointLength: 32 }],
]);

/** Returns the DER `CKA_EC_PARAMS` (the curve OID) of an EC or Edwards algorithm. */
export function ecParamsOf(algorithm: Exclude<SignatureAlgorithm, 'rsa-pkcs1-sha256'>): Buffer {
  const oid = {
    'ecdsa-p256-sha256': '06082a8648ce3d030107',
    'ecdsa-p384-sha384': '06052b81040022',
    ed25519: '06032b6570',
  };
  return Buffer.from(oid[algorithm], 'hex');
}

/** The `CKA_LABEL`/`CKA_ID` selector of a key pair; at least one is set. */
export interface KeySelector {
  keyLabel?: string;
  keyId?: Uint8Array;
}

/** Returns the search template for objects of `objectClass` (or any class) matching `key`. */
export function selectorTemplate(
  binding: typeof Pkcs11,
  key: KeySelector,
  objectClass?: number,
): Pkcs11.Template {
  const template: Pkcs11.Template = [];
  if (objectClass !== undefined) template.push({ type: binding.CKA_CLASS, value: objectClass });
  if (key.keyLabel !== undefined) template.push({ type: binding.CKA_LABEL, value: key.keyLabel });
  if (key.keyId !== undefined)
    template.push({ type: binding.CKA_ID, value: Buffer.from(key.keyId) });
  return template;
}

/** Describes `key` for error messages. */
export function describeKey(key: KeySelector): string {
  const parts: string[] = [];
  if (key.keyLabel !== undefined) parts.push(`labelled "${key.keyLabel}"`);
  if (key.keyId !== undefined) parts.push(`with id ${Buffer.from(key.keyId).toString('hex')}`);
  return parts.join(' and ');
}

/**
 * Reads the public key object matching `key` and rebuilds it as a KeyObject: from
 * `CKA_EC_PARAMS` + `CKA_EC_POINT` for EC and Edwards keys, from `CKA_MODULUS` +
 * `CKA_PUBLIC_EXPONENT` for RSA (PKCS#11 v3.0 §2.3.3, §2.3.6, §2.1.2).
 *
 * @throws SigningError `KEY_NOT_FOUND` when the token has no such public key object;
 *   `UNSUPPORTED_KEY` for other key types or curves; `SIGNER_FAILURE` when a call fails.
 */
export function readPublicKey(module: Pkcs11Module, session: Buffer, key: KeySelector): KeyObject {
  const { api, binding } = module;
  const handles = findObjects(
    module,
    session,
    selectorTemplate(binding, key, binding.CKO_PUBLIC_KEY),
  );
  const handle = handles[0];
  if (handle === undefined || handles.length > 1) {
    const problem =
      handle === undefined ? 'no public key object' : `${handles.length} public key objects`;
    throw new SigningError('KEY_NOT_FOUND', `${problem} ${describeKey(key)} on the token`);
  }
  const read = (type: number): Buffer => {
    try {
      const [attribute] = api.C_GetAttributeValue(session, handle, [{ type }]);
      return attribute?.value ?? Buffer.alloc(0);
    } catch (cause) {
      throw pkcs11Failure('C_GetAttributeValue', cause);
    }
  };
  const keyType = readUlong(read(binding.CKA_KEY_TYPE));
  if (keyType === binding.CKK_RSA) {
    const n = stripZeros(read(binding.CKA_MODULUS));
    const e = stripZeros(read(binding.CKA_PUBLIC_EXPONENT));
    return publicKeyFromJwk({ kty: 'RSA', n: n.toString('base64url'), e: e.toString('base64url') });
  }
  if (keyType !== binding.CKK_EC && keyType !== CKK_EC_EDWARDS) {
    throw new SigningError(
      'UNSUPPORTED_KEY',
      `unsupported PKCS#11 key type 0x${keyType.toString(16)}`,
    );
  }
  const curve = CURVES.get(read(binding.CKA_EC_PARAMS).toString('hex'));
  if (curve === undefined) {
    throw new SigningError(
      'UNSUPPORTED_KEY',
      'unsupported curve in CKA_EC_PARAMS; use P-256, P-384 or Ed25519',
    );
  }
  const point = unwrapPoint(read(binding.CKA_EC_POINT), curve.pointLength);
  if (curve.jwkCurve === 'Ed25519') {
    return publicKeyFromJwk({ kty: 'OKP', crv: 'Ed25519', x: point.toString('base64url') });
  }
  if (point[0] !== 0x04) {
    throw new SigningError('UNSUPPORTED_KEY', 'CKA_EC_POINT is not an uncompressed point');
  }
  const half = (point.length - 1) / 2;
  return publicKeyFromJwk({
    kty: 'EC',
    crv: curve.jwkCurve,
    x: point.subarray(1, 1 + half).toString('base64url'),
    y: point.subarray(1 + half).toString('base64url'),
  });
}

// CK_ULONG is native-endian and 4 or 8 bytes wide depending on the platform's C long.
function readUlong(value: Buffer): number {
  return value.length === 0 ? -1 : value.readUIntLE(0, Math.min(value.length, 6));
}

function stripZeros(value: Buffer): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  return value.subarray(start);
}

// PKCS#11 says CKA_EC_POINT is a DER OCTET STRING, but some tokens return the bare point;
// the expected point length tells the two apart unambiguously.
function unwrapPoint(value: Buffer, pointLength: number): Buffer {
  if (value.length === pointLength) return value;
  if (value.length === pointLength + 2 && value[0] === 0x04 && value[1] === pointLength) {
    return value.subarray(2);
  }
  throw new SigningError(
    'INVALID_KEY',
    `CKA_EC_POINT has ${value.length} bytes, expected ${pointLength}`,
  );
}
