import type { KeyObject } from 'node:crypto';
import { toBase64 } from './encoding';
import { SigningError } from './errors';
import { verifySignature } from './keys';
import type { Signer } from './signer';

/** One DSSE signature: an optional, unauthenticated key hint and the base64 signature. */
export interface DsseSignature {
  keyid?: string;
  sig: string;
}

/** A DSSE envelope in its JSON form (secure-systems-lab/dsse `envelope.md`). */
export interface DsseEnvelope {
  payloadType: string;
  /** Base64 of the payload bytes. */
  payload: string;
  signatures: DsseSignature[];
}

/** A signature of an envelope that verified, and the key that verified it. */
export interface VerifiedDsseSignature {
  /** Position in `envelope.signatures`. */
  index: number;
  keyid?: string;
  publicKey: KeyObject;
}

/** The authenticated content of an envelope. */
export interface VerifiedEnvelope {
  payloadType: string;
  payload: Uint8Array;
  verified: VerifiedDsseSignature[];
}

/** The DSSE payload type of in-toto statements (in-toto attestation `envelope.md`). */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** One subject of an in-toto statement: its name when that is a string, its string digests. */
export interface InTotoSubject {
  name?: string;
  digest: Record<string, string>;
}

/** What an in-toto statement says about its subjects (`predicateType` as found, unchecked). */
export interface InTotoStatement {
  predicateType: unknown;
  subjects: InTotoSubject[];
}

/**
 * Reads the JSON payload of an in-toto statement (in-toto attestation `statement.md`): its
 * subjects (a subject whose `digest` is not an object is left out) and its `predicateType`.
 *
 * @returns undefined when the payload has no `subject` list.
 * @throws SyntaxError when the payload is not JSON.
 */
export function parseInTotoStatement(payload: Uint8Array): InTotoStatement | undefined {
  const statement = JSON.parse(Buffer.from(payload).toString('utf8')) as {
    predicateType?: unknown;
    subject?: unknown;
  } | null;
  if (!Array.isArray(statement?.subject)) return undefined;
  const subjects = (statement.subject as unknown[]).flatMap((s): InTotoSubject[] => {
    const { name, digest } = (s ?? {}) as { name?: unknown; digest?: unknown };
    if (typeof digest !== 'object' || digest === null) return [];
    const digests = Object.fromEntries(
      Object.entries(digest).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    return [{ ...(typeof name === 'string' ? { name } : {}), digest: digests }];
  });
  return { predicateType: statement.predicateType, subjects };
}

const BASE64_ANY = /^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)={0,2}$/;

/**
 * Returns the DSSE pre-authentication encoding (DSSE `protocol.md` "Signature definition"):
 * `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths as ASCII decimal byte counts.
 * This is what DSSE signatures sign.
 */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `),
    type,
    Buffer.from(` ${payload.length} `),
    payload,
  ]);
}

/**
 * Signs `payload` (bytes, or text encoded as UTF-8) as a DSSE envelope with one signature.
 * `keyid` is omitted from the envelope when not given, as sigstore-js does.
 *
 * @throws SigningError the signer's own errors.
 */
export async function signEnvelope(
  signer: Signer,
  payloadType: string,
  payload: Uint8Array | string,
  keyid?: string,
): Promise<DsseEnvelope> {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const sig = toBase64(await signer.sign(preAuthEncoding(payloadType, bytes)));
  const signature: DsseSignature = keyid === undefined || keyid === '' ? { sig } : { keyid, sig };
  return { payloadType, payload: toBase64(bytes), signatures: [signature] };
}

/**
 * Checks that `value` (parsed JSON, or JSON text) has the shape of a DSSE envelope.
 *
 * @returns the envelope, with unknown members dropped.
 * @throws SigningError `INVALID_ENVELOPE` naming the first malformed member.
 */
export function parseEnvelope(value: unknown): DsseEnvelope {
  let json = value;
  if (typeof value === 'string') {
    try {
      json = JSON.parse(value);
    } catch (cause) {
      throw new SigningError('INVALID_ENVELOPE', 'envelope is not valid JSON', { cause });
    }
  }
  if (!isRecord(json)) throw invalid('envelope is not a JSON object');
  const { payloadType, payload, signatures } = json;
  if (typeof payloadType !== 'string') throw invalid('envelope payloadType must be a string');
  if (typeof payload !== 'string' || !isBase64(payload)) {
    throw invalid('envelope payload must be a base64 string');
  }
  if (!Array.isArray(signatures) || signatures.length === 0) {
    throw invalid('envelope must have at least one signature');
  }
  const parsed = signatures.map((entry: unknown, index): DsseSignature => {
    if (!isRecord(entry)) throw invalid(`envelope signature ${index} is not an object`);
    const { keyid, sig } = entry;
    if (typeof sig !== 'string' || sig.length === 0 || !isBase64(sig)) {
      throw invalid(`envelope signature ${index} sig must be a non-empty base64 string`);
    }
    if (keyid !== undefined && typeof keyid !== 'string') {
      throw invalid(`envelope signature ${index} keyid must be a string`);
    }
    return keyid === undefined || keyid === '' ? { sig } : { keyid, sig };
  });
  return { payloadType, payload, signatures: parsed };
}

/**
 * Verifies an envelope (DSSE `protocol.md` "Protocol"): each signature is checked over the
 * PAE against `publicKeys` (a list: every key is tried; a map by key ID: a signature whose
 * `keyid` is in the map is tried against that key only, others against every key). ECDSA
 * and RSA keys verify with their own digest (SHA-256 for P-256 and RSA).
 *
 * @returns the payload and the signatures that verified (at least one).
 * @throws SigningError `INVALID_ENVELOPE` as {@link parseEnvelope};
 *   `INVALID_SIGNATURE` when no signature verifies.
 */
export function verifyEnvelope(
  envelope: DsseEnvelope,
  publicKeys: readonly KeyObject[] | Readonly<Record<string, KeyObject>>,
): VerifiedEnvelope {
  const { payloadType, payload, signatures } = parseEnvelope(envelope);
  const body = Buffer.from(payload, 'base64');
  const pae = preAuthEncoding(payloadType, body);
  const verified: VerifiedDsseSignature[] = [];
  signatures.forEach(({ keyid, sig }, index) => {
    const signature = Buffer.from(sig, 'base64');
    const publicKey = candidatesFor(publicKeys, keyid).find((key) =>
      verifySignature(key, pae, signature),
    );
    if (publicKey !== undefined)
      verified.push(keyid === undefined ? { index, publicKey } : { index, keyid, publicKey });
  });
  if (verified.length === 0) {
    throw new SigningError(
      'INVALID_SIGNATURE',
      'no envelope signature verifies with the given keys',
    );
  }
  return { payloadType, payload: new Uint8Array(body), verified };
}

function candidatesFor(
  publicKeys: readonly KeyObject[] | Readonly<Record<string, KeyObject>>,
  keyid: string | undefined,
): readonly KeyObject[] {
  if (isKeyList(publicKeys)) return publicKeys;
  // The key ID is an unauthenticated hint: it narrows the search but never widens trust.
  const hinted =
    keyid !== undefined && Object.hasOwn(publicKeys, keyid) ? publicKeys[keyid] : undefined;
  return hinted !== undefined ? [hinted] : Object.values(publicKeys);
}

function isKeyList(
  keys: readonly KeyObject[] | Readonly<Record<string, KeyObject>>,
): keys is readonly KeyObject[] {
  return Array.isArray(keys);
}

function isBase64(text: string): boolean {
  // DSSE allows the standard and the URL-safe alphabet, with or without padding.
  return BASE64_ANY.test(text) && text.replace(/=+$/, '').length % 4 !== 1;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): SigningError {
  return new SigningError('INVALID_ENVELOPE', message);
}
