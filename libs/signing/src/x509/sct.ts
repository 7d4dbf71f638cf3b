import { SigningError } from '../errors';
import { concatBytes, contentOf, DerTag, readSingle } from './der';
import { X509Oid } from './oids';
import { asParsedCertificate, type CertificateInput } from './parse';

/**
 * An RFC 6962 §3.2 v1 SignedCertificateTimestamp. `hashAlgorithm`/`signatureAlgorithm` are the
 * TLS 1.2 codes of the `digitally-signed` struct (RFC 5246 §7.4.1.4.1; e.g. sha256(4) + ecdsa(3)).
 */
export interface SignedCertificateTimestamp {
  /** v1(0), the only version defined. */
  readonly version: 0;
  /** SHA-256 of the log's DER SubjectPublicKeyInfo (32 bytes). */
  readonly logId: Uint8Array;
  /** Milliseconds since the epoch, ignoring leap seconds (uint64). */
  readonly timestamp: bigint;
  /** CtExtensions (opaque; empty in practice). */
  readonly extensions: Uint8Array;
  readonly hashAlgorithm: number;
  readonly signatureAlgorithm: number;
  /** The signature in the log key's native encoding (DER for ECDSA). */
  readonly signature: Uint8Array;
}

const UINT16_MAX = 0xffff;

function fail(message: string): never {
  throw new SigningError('INVALID_ENCODING', `SCT: ${message}`);
}

function uint16(n: number): Uint8Array {
  return Uint8Array.of(n >> 8, n & 0xff);
}

/** `opaque x<0..2^16-1>`: uint16 length ‖ bytes (RFC 5246 §4.3). */
function vector16(bytes: Uint8Array, what: string, min = 0): Uint8Array {
  if (bytes.length < min || bytes.length > UINT16_MAX)
    fail(`${what} length ${bytes.length} out of range`);
  return concatBytes(uint16(bytes.length), bytes);
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
  const timestamp = new Uint8Array(8);
  new DataView(timestamp.buffer).setBigUint64(0, sct.timestamp);
  return concatBytes(
    Uint8Array.of(sct.version),
    sct.logId,
    timestamp,
    vector16(sct.extensions, 'extensions'),
    Uint8Array.of(sct.hashAlgorithm, sct.signatureAlgorithm),
    vector16(sct.signature, 'signature'),
  );
}

/** Reads TLS fields front to back, failing on any overrun. */
class TlsReader {
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get remaining(): number {
    return this.bytes.length - this.offset;
  }
  take(n: number, what: string): Uint8Array {
    if (n > this.remaining) fail(`truncated ${what}`);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  uint8(what: string): number {
    return this.take(1, what)[0]!;
  }
  vector16(what: string): Uint8Array {
    const length = this.take(2, `${what} length`);
    return this.take((length[0]! << 8) | length[1]!, what);
  }
}

/**
 * Decodes one TLS-encoded v1 SCT (the inverse of {@link encodeSct}). Strict: throws
 * `INVALID_ENCODING` for another version, a truncated field or trailing bytes.
 */
export function decodeSct(bytes: Uint8Array): SignedCertificateTimestamp {
  const reader = new TlsReader(bytes);
  const version = reader.uint8('version');
  if (version !== 0) fail(`unsupported version ${version}`);
  const logId = reader.take(32, 'log ID').slice();
  const timestamp = new DataView(reader.take(8, 'timestamp').slice().buffer).getBigUint64(0);
  const extensions = reader.vector16('extensions').slice();
  const hashAlgorithm = reader.uint8('hash algorithm');
  const signatureAlgorithm = reader.uint8('signature algorithm');
  const signature = reader.vector16('signature').slice();
  if (reader.remaining !== 0) fail(`${reader.remaining} trailing bytes after the signature`);
  return { version, logId, timestamp, extensions, hashAlgorithm, signatureAlgorithm, signature };
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
  const outer = new TlsReader(bytes);
  const list = outer.vector16('SCT list');
  if (outer.remaining !== 0) fail(`${outer.remaining} trailing bytes after the SCT list`);
  if (list.length === 0) fail('empty SCT list');
  const reader = new TlsReader(list);
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
