import { SigningError } from '../errors';

/**
 * One DER element located inside a byte array (ITU-T X.690 §8.1): `tag` is the identifier octet,
 * the contents are `bytes.subarray(contentStart, end)` and the whole element is
 * `bytes.subarray(start, end)`.
 */
export interface DerElement {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

/** Universal and context tags used by X.509 (X.690 §8, RFC 5280 §4.1). */
export const DerTag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
  context0: 0xa0,
  context3: 0xa3,
} as const;

function fail(message: string): never {
  throw new SigningError('INVALID_ENCODING', `DER: ${message}`);
}

/**
 * Reads the element that starts at `offset` and ends at or before `limit`. Returns its position.
 * Strict DER: single-octet tags only, definite minimal lengths (X.690 §10.1). Throws
 * `INVALID_ENCODING` on anything else, including an element running past `limit`.
 */
export function readElement(bytes: Uint8Array, offset: number, limit = bytes.length): DerElement {
  if (offset + 2 > limit) fail(`truncated element at offset ${offset}`);
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) fail(`multi-octet tag at offset ${offset} is not supported`);
  const first = bytes[offset + 1]!;
  let length = first;
  let contentStart = offset + 2;
  if (first === 0x80) fail(`indefinite length at offset ${offset}`);
  if (first > 0x80) {
    const count = first & 0x7f;
    if (count > 4) fail(`length of ${count} octets at offset ${offset} is too large`);
    if (contentStart + count > limit) fail(`truncated length at offset ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[contentStart + i]!;
    if (bytes[contentStart] === 0 || length < 0x80) {
      fail(`non-minimal length encoding at offset ${offset}`);
    }
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) fail(`element at offset ${offset} runs past its container`);
  return { tag, start: offset, contentStart, end };
}

/**
 * Parses `bytes` as exactly one DER element of the given tag, with nothing after it.
 * Throws `INVALID_ENCODING` otherwise.
 */
export function readSingle(bytes: Uint8Array, tag: number): DerElement {
  const element = readElement(bytes, 0);
  if (element.tag !== tag) fail(`expected tag 0x${hex(tag)}, found 0x${hex(element.tag)}`);
  if (element.end !== bytes.length) fail(`${bytes.length - element.end} trailing bytes`);
  return element;
}

/** The elements inside a constructed element, in order. Requires that they fill it exactly. */
export function childrenOf(bytes: Uint8Array, parent: DerElement): DerElement[] {
  const children: DerElement[] = [];
  let offset = parent.contentStart;
  while (offset < parent.end) {
    const child = readElement(bytes, offset, parent.end);
    children.push(child);
    offset = child.end;
  }
  return children;
}

/** The contents octets of an element (a view, not a copy). */
export function contentOf(bytes: Uint8Array, element: DerElement): Uint8Array {
  return bytes.subarray(element.contentStart, element.end);
}

/** The whole encoding of an element, header included (a view, not a copy). */
export function encodingOf(bytes: Uint8Array, element: DerElement): Uint8Array {
  return bytes.subarray(element.start, element.end);
}

/** DER length octets for `length` (X.690 §8.1.3, minimal form). Requires 0 <= length < 2^32. */
export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const octets: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) octets.unshift(n % 256);
  return Uint8Array.of(0x80 | octets.length, ...octets);
}

/** Concatenates byte arrays into a new one. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Encodes one element: `tag ‖ length ‖ contents` where contents is the concatenation of `parts`. */
export function encodeElement(tag: number, ...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const header = encodeLength(length);
  // One allocation: the header and every part are written straight into the result.
  const out = new Uint8Array(1 + header.length + length);
  out[0] = tag;
  out.set(header, 1);
  let offset = 1 + header.length;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const DOTTED_OID = /^[0-2](\.(0|[1-9][0-9]*))+$/;

/**
 * DER OBJECT IDENTIFIER element (tag 6) for a dotted-decimal OID (X.690 §8.19): the first two
 * arcs as 40·x + y, then each arc base-128 big-endian with the high bit as continuation flag.
 * Arcs are BigInts, as UUID OIDs under 2.25 have 128-bit arcs. Encodings are cached per OID (the
 * same few go into every certificate): callers must not modify the bytes returned. Throws
 * `INVALID_ENCODING` for a malformed OID (fewer than two arcs, leading zeros, a first arc above 2,
 * or a second arc above 39 under 0 and 1).
 */
export function encodeOid(oid: string): Uint8Array {
  let encoding = OID_ENCODINGS.get(oid);
  if (encoding !== undefined) return encoding;
  if (!DOTTED_OID.test(oid)) fail(`malformed OBJECT IDENTIFIER "${oid}"`);
  const arcs = oid.split('.').map((arc) => BigInt(arc));
  const [first, second] = arcs as [bigint, bigint];
  if (first < 2n && second > 39n) fail(`malformed OBJECT IDENTIFIER "${oid}"`);
  const octets: number[] = [];
  for (const arc of [first * 40n + second, ...arcs.slice(2)]) {
    const groups = [Number(arc & 0x7fn)];
    for (let rest = arc >> 7n; rest > 0n; rest >>= 7n) groups.unshift(Number(rest & 0x7fn) | 0x80);
    octets.push(...groups);
  }
  encoding = encodeElement(DerTag.oid, Uint8Array.from(octets));
  // Bounded, should a caller ever encode OIDs it was sent.
  if (OID_ENCODINGS.size < 1024) OID_ENCODINGS.set(oid, encoding);
  return encoding;
}

const OID_ENCODINGS = new Map<string, Uint8Array>();

/**
 * DER `Time` (RFC 5280 §4.1.2.5) for a date truncated to whole seconds: UTCTime `YYMMDDHHMMSSZ`
 * for 1950 through 2049, GeneralizedTime `YYYYMMDDHHMMSSZ` otherwise (§4.1.2.5.1-2, which also
 * require `Z` and no fractional seconds). Throws `INVALID_ENCODING` for an invalid Date or a year
 * outside 0000-9999.
 */
export function encodeTime(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) fail('time outside years 0000-9999');
  const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  const rest =
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds()) +
    'Z';
  return year >= 1950 && year < 2050
    ? encodeElement(DerTag.utcTime, ascii(two(year % 100) + rest))
    : encodeElement(DerTag.generalizedTime, ascii(`${year}`.padStart(4, '0') + rest));
}

/** The bytes of an ASCII (IA5) string; requires every code unit to be below 0x80. */
function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

const UTF8 = new TextEncoder();

/** The UTF-8 bytes of `text`. */
export function encodeUtf8(text: string): Uint8Array {
  return UTF8.encode(text);
}

/** DER encoding of a UTF8String (X.690 §8.23, tag 12): what Fulcio's OIDs 1.3.6.1.4.1.57264.1.8+ hold. */
export function encodeUtf8String(value: string): Uint8Array {
  return encodeElement(DerTag.utf8String, encodeUtf8(value));
}

/**
 * Decodes a DER UTF8String that fills `bytes` exactly. Throws `INVALID_ENCODING` for another tag,
 * trailing bytes or invalid UTF-8.
 */
export function decodeUtf8String(bytes: Uint8Array): string {
  const element = readSingle(bytes, DerTag.utf8String);
  return decodeUtf8(contentOf(bytes, element));
}

/** Decodes UTF-8 strictly (no replacement characters). Throws `INVALID_ENCODING`. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new SigningError('INVALID_ENCODING', 'invalid UTF-8', { cause });
  }
}

/** Longest OBJECT IDENTIFIER contents {@link decodeOid} accepts (a 2.25 UUID OID is 20 octets). */
const MAX_OID_OCTETS = 64;

/** Longest arc {@link decodeOid} accepts: 140 bits still hold the 128-bit UUID arcs (X.667). */
const MAX_OID_ARC_OCTETS = 20;

/**
 * Dotted-decimal form of OBJECT IDENTIFIER contents octets (X.690 §8.19). Throws
 * `INVALID_ENCODING` for an empty, truncated or non-minimal encoding, for contents longer than
 * {@link MAX_OID_OCTETS} or an arc longer than {@link MAX_OID_ARC_OCTETS}. Both bounds are checked
 * before any arithmetic, so the cost is linear in at most 64 octets whatever the input.
 */
export function decodeOid(content: Uint8Array): string {
  if (content.length === 0) fail('empty OBJECT IDENTIFIER');
  if (content.length > MAX_OID_OCTETS) {
    fail(`OBJECT IDENTIFIER of ${content.length} octets is longer than ${MAX_OID_OCTETS}`);
  }
  const arcs: bigint[] = [];
  let value = 0n;
  let octets = 0;
  for (const octet of content) {
    if (octets === 0 && octet === 0x80) fail('non-minimal OBJECT IDENTIFIER arc');
    if (++octets > MAX_OID_ARC_OCTETS) {
      fail(`OBJECT IDENTIFIER arc of more than ${MAX_OID_ARC_OCTETS} octets`);
    }
    value = (value << 7n) | BigInt(octet & 0x7f);
    if ((octet & 0x80) === 0) {
      arcs.push(value);
      value = 0n;
      octets = 0;
    }
  }
  if (octets !== 0) fail('truncated OBJECT IDENTIFIER');
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

/**
 * Minimal two's-complement contents of a positive INTEGER (X.690 §8.3), e.g. for a serial number.
 * Requires `value > 0`.
 */
export function encodePositiveInteger(value: bigint): Uint8Array {
  let digits = value.toString(16);
  if (digits.length % 2 === 1) digits = `0${digits}`;
  if (parseInt(digits.slice(0, 2), 16) >= 0x80) digits = `00${digits}`;
  return Uint8Array.from(Buffer.from(digits, 'hex'));
}

/** Lower-case hex of a byte or tag value, for messages. */
export function hex(value: number | Uint8Array): string {
  return typeof value === 'number'
    ? value.toString(16).padStart(2, '0')
    : Buffer.from(value).toString('hex');
}

/** Whether two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && asBuffer(a).equals(asBuffer(b));
}

/** A Buffer view over the same memory (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
