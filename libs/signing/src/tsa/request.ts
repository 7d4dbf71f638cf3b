import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { MessageImprint, TimeStampReq } from '@peculiar/asn1-tsp';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { SigningError } from '../errors';

/** Hash algorithms a timestamp request may name, by OID (RFC 5754); SHA-1 is refused. */
export const TSA_HASHES = {
  sha256: { oid: '2.16.840.1.101.3.4.2.1', length: 32 },
  sha384: { oid: '2.16.840.1.101.3.4.2.2', length: 48 },
  sha512: { oid: '2.16.840.1.101.3.4.2.3', length: 64 },
} as const;

export type TsaHash = keyof typeof TSA_HASHES;

const SHA1_OID = '1.3.14.3.2.26';

/** Largest DER request accepted: a SHA-512 request with a nonce and a policy is about 120 bytes. */
export const MAX_TIMESTAMP_QUERY_BYTES = 1024;

/** Longest nonce accepted, in octets of its DER INTEGER content (RFC 3161 asks for 64 bits). */
const MAX_NONCE_OCTETS = 32;

/** A validated request for a timestamp, from DER or from sigstore's JSON form. */
export interface TimestampRequest {
  readonly hashAlgorithm: TsaHash;
  readonly hashedMessage: Uint8Array;
  /** The DER MessageImprint to echo in the token, exactly as requested (RFC 3161 §2.4.2). */
  readonly messageImprint: Uint8Array;
  /** The nonce's DER INTEGER content octets, echoed in the token; undefined when absent. */
  readonly nonce: Uint8Array | undefined;
  /** Whether the token should carry the TSA's certificate (RFC 3161 certReq). */
  readonly certReq: boolean;
}

/** An invalid request: `field` names what failed, for a 400. */
export class TimestampRequestError extends SigningError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('INVALID_ENCODING', `${field}: ${message}`);
  }
}

/**
 * Parses and validates a DER `TimeStampReq` (RFC 3161 §2.4.1, `application/timestamp-query`):
 * version 1, a SHA-256/384/512 imprint of the right length, no policy other than `policy`, no
 * extensions, a nonce of at most 32 octets. Throws {@link TimestampRequestError} naming the field.
 */
export function parseTimestampQuery(der: Uint8Array, policy: string): TimestampRequest {
  if (der.length > MAX_TIMESTAMP_QUERY_BYTES) {
    throw new TimestampRequestError(
      'TimeStampReq',
      `is ${der.length} bytes; at most ${MAX_TIMESTAMP_QUERY_BYTES} are accepted`,
    );
  }
  let req: TimeStampReq;
  try {
    req = AsnConvert.parse(der, TimeStampReq);
  } catch {
    throw new TimestampRequestError('TimeStampReq', 'is not a DER TimeStampReq');
  }
  // asn1-schema ignores trailing bytes: a request is exactly one element.
  if (!Buffer.from(AsnConvert.serialize(req)).equals(Buffer.from(der))) {
    throw new TimestampRequestError('TimeStampReq', 'is not a single DER TimeStampReq');
  }
  const version = Number(req.version);
  if (version !== 1) {
    throw new TimestampRequestError('version', `is ${version}; only version 1 is defined`);
  }
  if (req.extensions !== undefined && req.extensions.length > 0) {
    throw new TimestampRequestError('extensions', 'are not supported by this TSA');
  }
  if (req.reqPolicy !== undefined && req.reqPolicy !== policy) {
    throw new TimestampRequestError(
      'reqPolicy',
      `${req.reqPolicy} is not this TSA's policy (${policy})`,
    );
  }
  const oid = req.messageImprint.hashAlgorithm.algorithm;
  const hash = (Object.keys(TSA_HASHES) as TsaHash[]).find((h) => TSA_HASHES[h].oid === oid);
  if (hash === undefined) {
    throw new TimestampRequestError(
      'messageImprint.hashAlgorithm',
      oid === SHA1_OID
        ? 'SHA-1 is not accepted; use SHA-256, SHA-384 or SHA-512'
        : `${oid} is not SHA-256, SHA-384 or SHA-512`,
    );
  }
  const nonce = req.nonce === undefined ? undefined : new Uint8Array(req.nonce);
  if (nonce !== undefined && nonce.length > MAX_NONCE_OCTETS) {
    throw new TimestampRequestError('nonce', `is longer than ${MAX_NONCE_OCTETS} octets`);
  }
  return checked(
    hash,
    new Uint8Array(req.messageImprint.hashedMessage.buffer),
    'messageImprint.hashedMessage',
    nonce,
    req.certReq,
    new Uint8Array(AsnConvert.serialize(req.messageImprint)),
  );
}

/**
 * Validates sigstore's JSON request (`application/json`, what sigstore-js sends):
 * `{artifactHash: base64, hashAlgorithm: "sha256"|"sha384"|"sha512", nonce?: integer,
 * certificates?: boolean, tsaPolicyOID?: string}`. Throws {@link TimestampRequestError}.
 */
export function timestampRequestFromJson(body: unknown, policy: string): TimestampRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TimestampRequestError('body', 'must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  const known = new Set(['artifactHash', 'hashAlgorithm', 'nonce', 'certificates', 'tsaPolicyOID']);
  const unknown = Object.keys(fields).find((k) => !known.has(k));
  if (unknown !== undefined) throw new TimestampRequestError(unknown, 'is not a known field');
  const { artifactHash, hashAlgorithm, nonce, certificates, tsaPolicyOID } = fields;
  // Own keys only: `in` also finds Object.prototype's names ("toString", "constructor").
  if (typeof hashAlgorithm !== 'string' || !Object.hasOwn(TSA_HASHES, hashAlgorithm)) {
    throw new TimestampRequestError(
      'hashAlgorithm',
      hashAlgorithm === 'sha1'
        ? 'SHA-1 is not accepted; use sha256, sha384 or sha512'
        : 'must be sha256, sha384 or sha512',
    );
  }
  if (
    typeof artifactHash !== 'string' ||
    !/^[A-Za-z0-9+/]*={0,2}$/.test(artifactHash) ||
    artifactHash.length % 4 !== 0
  ) {
    throw new TimestampRequestError('artifactHash', 'must be standard base64');
  }
  if (tsaPolicyOID !== undefined && tsaPolicyOID !== policy) {
    throw new TimestampRequestError(
      'tsaPolicyOID',
      `${JSON.stringify(tsaPolicyOID)} is not this TSA's policy (${policy})`,
    );
  }
  if (certificates !== undefined && typeof certificates !== 'boolean') {
    throw new TimestampRequestError('certificates', 'must be true or false');
  }
  if (
    nonce !== undefined &&
    (typeof nonce !== 'number' || !Number.isSafeInteger(nonce) || nonce < 0)
  ) {
    throw new TimestampRequestError('nonce', 'must be a non-negative integer');
  }
  return checked(
    hashAlgorithm as TsaHash,
    new Uint8Array(Buffer.from(artifactHash, 'base64')),
    'artifactHash',
    nonce === undefined ? undefined : integerContent(BigInt(nonce)),
    certificates ?? false,
  );
}

function checked(
  hashAlgorithm: TsaHash,
  hashedMessage: Uint8Array,
  field: string,
  nonce: Uint8Array | undefined,
  certReq: boolean,
  messageImprint?: Uint8Array,
): TimestampRequest {
  const length = TSA_HASHES[hashAlgorithm].length;
  if (hashedMessage.length !== length) {
    throw new TimestampRequestError(
      field,
      `is ${hashedMessage.length} bytes; a ${hashAlgorithm} digest is ${length}`,
    );
  }
  const imprint =
    messageImprint ??
    new Uint8Array(
      AsnConvert.serialize(
        new MessageImprint({
          hashAlgorithm: new AlgorithmIdentifier({ algorithm: TSA_HASHES[hashAlgorithm].oid }),
          hashedMessage: new OctetString(hashedMessage),
        }),
      ),
    );
  return { hashAlgorithm, hashedMessage, messageImprint: imprint, nonce, certReq };
}

/** The DER INTEGER content octets of a non-negative integer (minimal, with a sign octet if needed). */
function integerContent(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`;
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
