import { SigningError } from '../errors';
import { asBuffer, concatBytes, contentOf, DerTag, readSingle } from './der';
import { X509Oid } from './oids';
import { asParsedCertificate, type CertificateInput } from './parse';

/* TLS presentation-language encoding (RFC 8446 §3, RFC 6962 §3): the one codec for the CT
   structures of the CA and the log. */

/** Throws the error for a malformed or out-of-range TLS field, given its description. */
export type TlsFailure = (message: string) => never;

/** The default {@link TlsFailure}: `INVALID_ENCODING` with the message as is. */
function invalidEncoding(message: string): never {
  throw new SigningError('INVALID_ENCODING', message);
}

/** `uint16` big-endian. Requires 0 <= n < 2^16. */
export function tlsUint16(n: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(n);
  return out;
}

/** `uint64` big-endian. Requires 0 <= n < 2^64. */
export function tlsUint64(n: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(n);
  return out;
}

/**
 * `opaque x<min..2^16-1>` (`width` 2) or `opaque x<min..2^24-1>` (`width` 3): the length in
 * `width` bytes, then `bytes`. Calls `fail` with "`what` length N out of range" otherwise.
 */
export function tlsVector(
  width: 2 | 3,
  bytes: Uint8Array,
  what: string,
  min = 0,
  fail: TlsFailure = invalidEncoding,
): Buffer {
  if (bytes.length < min || bytes.length >= 2 ** (8 * width))
    fail(`${what} length ${bytes.length} out of range`);
  const out = Buffer.alloc(width + bytes.length);
  out.writeUIntBE(bytes.length, 0, width);
  out.set(bytes, width);
  return out;
}

/**
 * Reads TLS fields front to back, as Buffer views of the input. Every read calls `fail`
 * (`INVALID_ENCODING` by default) with "truncated `what`" on overrun.
 */
export class TlsReader {
  private offset = 0;
  private readonly bytes: Buffer;

  constructor(
    bytes: Uint8Array,
    private readonly fail: TlsFailure = invalidEncoding,
  ) {
    this.bytes = asBuffer(bytes);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** The bytes read so far. */
  get consumed(): Buffer {
    return this.bytes.subarray(0, this.offset);
  }

  take(n: number, what: string): Buffer {
    if (n > this.remaining) this.fail(`truncated ${what}`);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** Everything not read yet. */
  rest(): Buffer {
    return this.take(this.remaining, 'rest');
  }

  uint8(what: string): number {
    return this.take(1, what)[0]!;
  }

  uint16(what: string): number {
    return this.take(2, what).readUInt16BE(0);
  }

  uint24(what: string): number {
    return this.take(3, what).readUIntBE(0, 3);
  }

  uint64(what: string): bigint {
    return this.take(8, what).readBigUInt64BE(0);
  }

  vector16(what: string): Buffer {
    return this.take(this.uint16(`${what} length`), what);
  }

  vector24(what: string): Buffer {
    return this.take(this.uint24(`${what} length`), what);
  }

  /** Calls `fail` with "N trailing bytes after `what`" unless every byte was read. */
  end(what: string): void {
    if (this.remaining !== 0) this.fail(`${this.remaining} trailing bytes after ${what}`);
  }
}

/**
 * RFC 5246 §4.7 `digitally-signed` as RFC 6962 uses it: the TLS 1.2 algorithm codes
 * (RFC 5246 §7.4.1.4.1; e.g. sha256(4) + ecdsa(3)) and the signature.
 */
export interface DigitallySigned {
  readonly hashAlgorithm: number;
  readonly signatureAlgorithm: number;
  /** The signature in the key's native encoding (DER ECDSA-Sig-Value for ECDSA). */
  readonly signature: Uint8Array;
}

/**
 * hash_algorithm ‖ signature_algorithm ‖ signature<0..2^16-1>. Calls `fail`
 * (`INVALID_ENCODING` by default) when the signature is longer.
 */
export function encodeDigitallySigned(
  ds: DigitallySigned,
  fail: TlsFailure = invalidEncoding,
): Buffer {
  return Buffer.concat([
    Uint8Array.of(ds.hashAlgorithm, ds.signatureAlgorithm),
    tlsVector(2, ds.signature, 'signature', 0, fail),
  ]);
}

/**
 * Strict inverse of {@link encodeDigitallySigned} (the signature is a view of `bytes`): calls
 * `fail` (`INVALID_ENCODING` by default) for a truncated field or trailing bytes.
 */
export function decodeDigitallySigned(
  bytes: Uint8Array,
  fail: TlsFailure = invalidEncoding,
): DigitallySigned {
  const reader = new TlsReader(bytes, fail);
  const ds = {
    hashAlgorithm: reader.uint8('hash algorithm'),
    signatureAlgorithm: reader.uint8('signature algorithm'),
    signature: reader.vector16('signature'),
  };
  reader.end('the signature');
  return ds;
}

/** An RFC 6962 §3.2 v1 SignedCertificateTimestamp; its signature is the log key's. */
export interface SignedCertificateTimestamp extends DigitallySigned {
  /** v1(0), the only version defined. */
  readonly version: 0;
  /** SHA-256 of the log's DER SubjectPublicKeyInfo (32 bytes). */
  readonly logId: Uint8Array;
  /** Milliseconds since the epoch, ignoring leap seconds (uint64). */
  readonly timestamp: bigint;
  /** CtExtensions (opaque; empty in practice). */
  readonly extensions: Uint8Array;
}

function fail(message: string): never {
  throw new SigningError('INVALID_ENCODING', `SCT: ${message}`);
}

/** `opaque x<min..2^16-1>` (RFC 5246 §4.3), failing with the SCT prefix. */
function vector16(bytes: Uint8Array, what: string, min = 0): Uint8Array {
  return tlsVector(2, bytes, what, min, fail);
}

/**
 * TLS encoding of one SCT (RFC 6962 §3.2): version(1) ‖ log_id(32) ‖ timestamp(8) ‖
 * extensions<0..2^16-1> ‖ hash(1) ‖ signature algorithm(1) ‖ signature<0..2^16-1>.
 * Throws `INVALID_ENCODING` for a field out of range.
 */
export function encodeSct(sct: SignedCertificateTimestamp): Uint8Array {
  if (sct.version !== 0) fail(`unsupported version ${String(sct.version)}`);
  if (sct.logId.length !== 32) fail(`log ID is ${sct.logId.length} bytes, expected 32`);
  if (sct.timestamp < 0n || sct.timestamp > 0xffffffffffffffffn)
    fail('timestamp out of uint64 range');
  for (const [name, v] of [
    ['hash', sct.hashAlgorithm],
    ['signature', sct.signatureAlgorithm],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 255) fail(`${name} algorithm ${v} out of range`);
  }
  return concatBytes(
    Uint8Array.of(sct.version),
    sct.logId,
    tlsUint64(sct.timestamp),
    vector16(sct.extensions, 'extensions'),
    encodeDigitallySigned(sct, fail),
  );
}

/**
 * Decodes one TLS-encoded v1 SCT (the inverse of {@link encodeSct}). Strict: throws
 * `INVALID_ENCODING` for another version, a truncated field or trailing bytes.
 */
export function decodeSct(bytes: Uint8Array): SignedCertificateTimestamp {
  const reader = new TlsReader(bytes, fail);
  const version = reader.uint8('version');
  if (version !== 0) fail(`unsupported version ${version}`);
  const logId = new Uint8Array(reader.take(32, 'log ID'));
  const timestamp = reader.uint64('timestamp');
  const extensions = new Uint8Array(reader.vector16('extensions'));
  const signed = decodeDigitallySigned(reader.rest(), fail);
  return {
    version,
    logId,
    timestamp,
    extensions,
    ...signed,
    signature: new Uint8Array(signed.signature),
  };
}

/**
 * TLS `SignedCertificateTimestampList` (RFC 6962 §3.3): uint16 total length, then each SCT as a
 * uint16-length-prefixed `SerializedSCT`. Requires at least one SCT; throws `INVALID_ENCODING`
 * when the list is empty or exceeds 65535 bytes.
 */
export function encodeSctList(scts: readonly SignedCertificateTimestamp[]): Uint8Array {
  if (scts.length === 0) fail('an SCT list holds at least one SCT');
  const body = concatBytes(...scts.map((sct) => vector16(encodeSct(sct), 'serialized SCT', 1)));
  return vector16(body, 'SCT list', 1);
}

/**
 * Decodes a TLS `SignedCertificateTimestampList`. Strict: the outer length must cover exactly
 * the rest of the input, every entry must be non-empty and a valid SCT, and the list must not be
 * empty. Throws `INVALID_ENCODING`.
 */
export function decodeSctList(bytes: Uint8Array): SignedCertificateTimestamp[] {
  const outer = new TlsReader(bytes, fail);
  const list = outer.vector16('SCT list');
  outer.end('the SCT list');
  if (list.length === 0) fail('empty SCT list');
  const reader = new TlsReader(list, fail);
  const scts: SignedCertificateTimestamp[] = [];
  while (reader.remaining > 0) {
    const entry = reader.vector16('serialized SCT');
    if (entry.length === 0) fail('empty serialized SCT');
    scts.push(decodeSct(entry));
  }
  return scts;
}

/**
 * The SCTs embedded in a certificate's RFC 6962 §3.3 extension, or `[]` when it has none.
 * Accepts the certificate parsed, as DER or as PEM (`INVALID_CERTIFICATE` if malformed). Throws
 * `INVALID_ENCODING` if the extension value is not an OCTET STRING holding a valid list.
 */
export function embeddedScts(certificate: CertificateInput): SignedCertificateTimestamp[] {
  const extension = asParsedCertificate(certificate).extensions.find(
    (e) => e.oid === X509Oid.ctSctList,
  );
  if (extension === undefined) return [];
  const inner = readSingle(extension.value, DerTag.octetString);
  return decodeSctList(contentOf(extension.value, inner));
}
