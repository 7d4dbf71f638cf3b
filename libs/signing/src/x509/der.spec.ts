import { signingError } from './matchers';
import { AsnConvert } from '@peculiar/asn1-schema';
import { ExtendedKeyUsage } from '@peculiar/asn1-x509';
import { Time } from '@peculiar/asn1-x509';
import {
  decodeOid,
  decodeUtf8String,
  encodeLength,
  encodeOid,
  encodeTime,
  encodePositiveInteger,
  encodeUtf8String,
  readElement,
  readSingle,
} from './der';
import { encodeExtension, poisonExtension, sctListExtension } from './extensions';
import { FulcioOid, X509Oid } from './oids';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const derError = (message: string) => signingError('INVALID_ENCODING', `DER: ${message}`);

// X.690 §8.19: first two arcs as 40·x + y, then base-128 big-endian arcs with the high bit as a
// continuation flag. 11129 = 86·128 + 121 → d6 79; 57264 = 3·128² + 63·128 + 48 → 83 bf 30.
const OID_KATS: ReadonlyArray<[string, string]> = [
  [X509Oid.ctPoison, '060a2b06010401d679020403'],
  [X509Oid.ctSctList, '060a2b06010401d679020402'],
  [FulcioOid.issuer, '060a2b0601040183bf300101'],
  [X509Oid.fulcioUsername, '060a2b0601040183bf300107'],
  [FulcioOid.issuerV2, '060a2b0601040183bf300108'],
  [FulcioOid.tokenSubject, '060a2b0601040183bf300118'],
  [X509Oid.codeSigning, '06082b06010505070303'],
];

describe(decodeOid.name, () => {
  it.each(OID_KATS)('decodes %s from the hand-computed DER', (oid, der) => {
    expect(decodeOid(bytes(der).subarray(2))).toBe(oid);
    // And @peculiar/asn1-schema encodes the same bytes (inside a one-element SEQUENCE OF OID).
    const sequence = new Uint8Array(AsnConvert.serialize(new ExtendedKeyUsage([oid])));
    expect(hex(sequence.subarray(2))).toBe(der);
  });

  it.each([
    ['', 'empty OBJECT IDENTIFIER'],
    ['2b8001', 'non-minimal OBJECT IDENTIFIER arc'],
    ['2b83', 'truncated OBJECT IDENTIFIER'],
  ])('rejects %j', (content, message) => {
    expect(() => decodeOid(bytes(content))).toThrow(derError(message));
  });

  // Security review M1: one ~95 KB arc took 1.5 s to decode (a BigInt shift per octet), before any
  // signature check, on certificates sent by anyone to the log's CT and entries routes.
  it('refuses OBJECT IDENTIFIER contents longer than 64 octets before decoding them', () => {
    const content = new Uint8Array(95_000).fill(0xff);
    content[0] = 0x2b;
    content[content.length - 1] = 0x01;
    expect(() => decodeOid(content)).toThrow(
      derError('OBJECT IDENTIFIER of 95000 octets is longer than 64'),
    );
    const atLimit = new Uint8Array(64).fill(0x01);
    expect(decodeOid(atLimit)).toBe(`0.1.${Array(63).fill('1').join('.')}`);
    expect(() => decodeOid(new Uint8Array(65).fill(0x01))).toThrow(
      derError('OBJECT IDENTIFIER of 65 octets is longer than 64'),
    );
  });

  it('refuses an arc longer than 20 octets and keeps 128-bit UUID arcs (2.25)', () => {
    // The largest UUID arc, 2^128 - 1, takes 19 base-128 octets (83, ff×17, 7f).
    const uuidArc = 2n ** 128n - 1n;
    const oid = `2.25.${uuidArc}`;
    expect(decodeOid(encodeOid(oid).subarray(2))).toBe(oid);
    const long = new Uint8Array([0x2b, ...new Array<number>(20).fill(0x81), 0x01]);
    expect(() => decodeOid(long)).toThrow(derError('OBJECT IDENTIFIER arc of more than 20 octets'));
  });
});

describe(encodeOid.name, () => {
  it.each(OID_KATS)('encodes %s as the hand-computed DER', (oid, der) => {
    expect(hex(encodeOid(oid))).toBe(der);
  });

  it.each([
    // 2.999 → 40·2 + 999 = 1079 = 8·128 + 55 → 88 37 (X.690 §8.19.4 example arc).
    ['2.999.3', '0603883703'],
    ['1.2.840.10045.4.3.2', '06082a8648ce3d040302'],
    ['0.39', '060127'],
    // An arc past 2^53 (UUID OIDs under 2.25 carry 128-bit arcs) takes the BigInt path.
    ['2.25.18446744073709551616', '060b6982808080808080808000'],
  ])('encodes %s as @peculiar/asn1-schema does', (oid, der) => {
    expect(hex(encodeOid(oid))).toBe(der);
    expect(decodeOid(encodeOid(oid).subarray(2))).toBe(oid);
    const sequence = new Uint8Array(AsnConvert.serialize(new ExtendedKeyUsage([oid])));
    expect(hex(sequence.subarray(2))).toBe(der);
  });

  it.each(['', '1', '1.', '3.1', '1.40', '1.02', '1..2', 'a.b'])('rejects %j', (oid) => {
    expect(() => encodeOid(oid)).toThrow(derError(`malformed OBJECT IDENTIFIER "${oid}"`));
  });
});

describe(encodeTime.name, () => {
  it.each([
    ['2026-03-01T12:00:00.789Z', '170d3236303330313132303030305a'],
    ['1950-01-01T00:00:00Z', '170d3530303130313030303030305a'],
    ['2049-12-31T23:59:59Z', '170d3439313233313233353935395a'],
    ['2050-01-01T00:00:00Z', '180f32303530303130313030303030305a'],
    ['9999-12-31T23:59:59Z', '180f39393939313233313233353935395a'],
  ])(
    'encodes %s (RFC 5280 §4.1.2.5: UTCTime through 2049) as @peculiar/asn1-x509 does',
    (iso, der) => {
      const date = new Date(iso);
      expect(hex(encodeTime(date))).toBe(der);
      expect(hex(new Uint8Array(AsnConvert.serialize(new Time(date))))).toBe(der);
    },
  );

  it('uses GeneralizedTime before 1950, which UTCTime cannot express', () => {
    expect(hex(encodeTime(new Date('1949-12-31T23:59:59Z')))).toBe(
      '180f31393439313233313233353935395a',
    );
  });

  it('rejects an invalid Date and years past 9999', () => {
    expect(() => encodeTime(new Date(NaN))).toThrow(derError('time outside years 0000-9999'));
    expect(() => encodeTime(new Date('+010000-01-01T00:00:00Z'))).toThrow(
      derError('time outside years 0000-9999'),
    );
  });
});

describe(encodeExtension.name, () => {
  it('encodes the CT poison as RFC 6962 §3.1 requires: critical, extnValue = NULL', () => {
    // SEQUENCE(19) { OID(10) poison, BOOLEAN TRUE, OCTET STRING(2) { NULL } }
    expect(hex(poisonExtension())).toBe('3013060a2b06010401d6790204030101ff04020500');
  });

  it('omits a FALSE critical flag (DER DEFAULT) and double-wraps the SCT list', () => {
    expect(hex(sctListExtension(Uint8Array.of(0xab)))).toBe(
      '3011060a2b06010401d6790204020403' + '0401ab',
    );
    expect(hex(encodeExtension(FulcioOid.issuerV2, false, encodeUtf8String('hi')))).toBe(
      '3012060a2b0601040183bf300108' + '0404' + '0c026869', // 12 + 6 = 18 = 0x12
    );
  });
});

describe(encodeUtf8String.name, () => {
  it('encodes tag 0x0c, length, UTF-8 bytes, with a long-form length past 127 bytes', () => {
    expect(hex(encodeUtf8String('é'))).toBe('0c02c3a9');
    expect(hex(encodeUtf8String('a'.repeat(200)).subarray(0, 3))).toBe('0c81c8');
  });

  it('round-trips through decodeUtf8String, which rejects other string types and bad UTF-8', () => {
    expect(decodeUtf8String(encodeUtf8String('https://accounts.google.com'))).toBe(
      'https://accounts.google.com',
    );
    expect(() => decodeUtf8String(bytes('130141'))).toThrow(
      derError('expected tag 0x0c, found 0x13'),
    );
    expect(() => decodeUtf8String(bytes('0c01ff'))).toThrow(
      signingError('INVALID_ENCODING', 'invalid UTF-8'),
    );
  });
});

describe(encodeLength.name, () => {
  it.each([
    [0, '00'],
    [127, '7f'],
    [128, '8180'],
    [255, '81ff'],
    [256, '820100'],
    [70_000, '83011170'],
  ])('encodes %d as %s', (length, der) => {
    expect(hex(encodeLength(length))).toBe(der);
  });
});

describe(encodePositiveInteger.name, () => {
  it.each([
    [1n, '01'],
    [0x7fn, '7f'],
    [0x80n, '0080'],
    [0x1234n, '1234'],
    [(1n << 159n) - 1n, '7f' + 'ff'.repeat(19)],
  ])('encodes %s minimally', (value, content) => {
    expect(hex(encodePositiveInteger(value))).toBe(content);
  });
});

describe(readElement.name, () => {
  it('locates header and contents', () => {
    expect(readElement(bytes('ff30820100' + '00'.repeat(256)), 1)).toEqual({
      tag: 0x30,
      start: 1,
      contentStart: 5,
      end: 261,
    });
  });

  it.each([
    ['3080', 'indefinite length at offset 0'],
    ['30810100', 'non-minimal length encoding at offset 0'],
    ['3082000100', 'non-minimal length encoding at offset 0'],
    ['3003', 'element at offset 0 runs past its container'],
    ['3f0100', 'multi-octet tag at offset 0 is not supported'],
    ['30', 'truncated element at offset 0'],
    ['3085', 'length of 5 octets at offset 0 is too large'],
  ])('rejects %s', (input, message) => {
    expect(() => readElement(bytes(input), 0)).toThrow(derError(message));
  });

  it('readSingle rejects trailing bytes', () => {
    expect(() => readSingle(bytes('300000'), 0x30)).toThrow(derError('1 trailing bytes'));
  });
});
