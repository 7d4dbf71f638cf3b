import { signingError } from './matchers';
import fc from 'fast-check';

import {
  decodeDigitallySigned,
  decodeSct,
  decodeSctList,
  encodeDigitallySigned,
  encodeSct,
  encodeSctList,
  type SignedCertificateTimestamp,
} from './sct';

// @sigstore/core's parser, as sigstore-js uses it on embedded SCTs (not exported from its index).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SignedCertificateTimestamp: SigstoreSct } = require('@sigstore/core/dist/x509/sct') as {
  SignedCertificateTimestamp: {
    parse(buf: Buffer): {
      version: number;
      logID: Buffer;
      timestamp: Buffer;
      hashAlgorithm: number;
      signatureAlgorithm: number;
      signature: Buffer;
      datetime: Date;
    };
  };
};

const example: SignedCertificateTimestamp = {
  version: 0,
  logId: new Uint8Array(32).fill(0x11),
  timestamp: 1_700_000_000_000n, // 2023-11-14T22:13:20Z = 0x0000018bcfe56800
  extensions: new Uint8Array(0),
  hashAlgorithm: 4, // sha256
  signatureAlgorithm: 3, // ecdsa
  signature: Uint8Array.of(0xde, 0xad, 0xbe, 0xef),
};

// Worked out by hand from RFC 6962 §3.2–3.3:
//   version 00 | log_id 11×32 | timestamp 0000018bcfe56800 | extensions 0000 | hash 04 sig 03
//   | signature 0004 deadbeef  => 1+32+8+2+1+1+2+4 = 51 = 0x33 bytes;
//   list = 0035 (2 + 51) | 0033 | SCT.
const exampleSct = `00${'11'.repeat(32)}0000018bcfe56800000004030004deadbeef`;
const exampleList = `00350033${exampleSct}`;

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const encodingError = (message: string) => signingError('INVALID_ENCODING', `SCT: ${message}`);

const arbitrarySct: fc.Arbitrary<SignedCertificateTimestamp> = fc.record({
  version: fc.constant(0 as const),
  logId: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  timestamp: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  extensions: fc.uint8Array({ maxLength: 40 }),
  hashAlgorithm: fc.integer({ min: 0, max: 255 }),
  signatureAlgorithm: fc.integer({ min: 0, max: 255 }),
  signature: fc.uint8Array({ maxLength: 120 }),
});

describe(encodeSct.name, () => {
  it('encodes the hand-computed example', () => {
    expect(hex(encodeSct(example))).toBe(exampleSct);
  });

  it('is read back identically by @sigstore/core', () => {
    const parsed = SigstoreSct.parse(Buffer.from(encodeSct(example)));
    expect(parsed.logID).toEqual(Buffer.from(example.logId));
    expect(parsed.datetime.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect([parsed.hashAlgorithm, parsed.signatureAlgorithm]).toEqual([4, 3]);
    expect(parsed.signature).toEqual(Buffer.from(example.signature));
  });

  it.each([
    [{ logId: new Uint8Array(31) }, 'log ID is 31 bytes, expected 32'],
    [{ timestamp: -1n }, 'timestamp out of uint64 range'],
    [{ timestamp: 1n << 64n }, 'timestamp out of uint64 range'],
    [{ hashAlgorithm: 256 }, 'hash algorithm 256 out of range'],
    [{ signature: new Uint8Array(0x10000) }, 'signature length 65536 out of range'],
  ])('rejects %p', (override, message) => {
    expect(() => encodeSct({ ...example, ...override })).toThrow(encodingError(message));
  });
});

describe(decodeSct.name, () => {
  it('round-trips any SCT', () => {
    fc.assert(fc.property(arbitrarySct, (sct) => expect(decodeSct(encodeSct(sct))).toEqual(sct)));
  });

  it.each([
    [`01${exampleSct.slice(2)}`, 'unsupported version 1'],
    [`${exampleSct}00`, '1 trailing bytes after the signature'],
    [exampleSct.slice(0, -2), 'truncated signature'],
    [exampleSct.slice(0, 40), 'truncated log ID'],
    ['', 'truncated version'],
  ])('rejects %s', (input, message) => {
    expect(() => decodeSct(bytes(input))).toThrow(encodingError(message));
  });
});

describe(encodeSctList.name, () => {
  it('encodes the hand-computed example', () => {
    expect(hex(encodeSctList([example]))).toBe(exampleList);
  });

  it('prefixes each SCT with its length and the list with the total', () => {
    const two = encodeSctList([example, { ...example, signature: new Uint8Array(0) }]);
    // 2 + 51 + 2 + 47 = 102 = 0x66
    expect(hex(two.subarray(0, 4))).toBe('00660033');
    expect(two.length).toBe(2 + 102);
  });

  it('rejects an empty list', () => {
    expect(() => encodeSctList([])).toThrow(encodingError('an SCT list holds at least one SCT'));
  });
});

describe(decodeSctList.name, () => {
  it('round-trips any non-empty list', () => {
    fc.assert(
      fc.property(fc.array(arbitrarySct, { minLength: 1, maxLength: 5 }), (scts) =>
        expect(decodeSctList(encodeSctList(scts))).toEqual(scts),
      ),
    );
  });

  it.each([
    ['0000', 'empty SCT list'],
    [`0036${exampleList.slice(4)}`, 'truncated SCT list'],
    [`${exampleList}00`, '1 trailing bytes after the SCT list'],
    ['00020000', 'empty serialized SCT'],
    [`00350034${exampleSct}`, 'truncated serialized SCT'],
    [`00360034${exampleSct}00`, '1 trailing bytes after the signature'],
    ['00', 'truncated SCT list length'],
  ])('rejects %s', (input, message) => {
    expect(() => decodeSctList(bytes(input))).toThrow(encodingError(message));
  });
});

describe(`${encodeDigitallySigned.name} and ${decodeDigitallySigned.name}`, () => {
  it('encodes DigitallySigned as hash ‖ signature algorithm ‖ uint16 length ‖ signature', () => {
    const ds = { hashAlgorithm: 4, signatureAlgorithm: 3, signature: Buffer.from('abc') };
    const bytes = encodeDigitallySigned(ds);
    expect(bytes.toString('hex')).toBe('04030003616263');
    expect(decodeDigitallySigned(bytes)).toEqual(ds);
    expect(() => decodeDigitallySigned(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(
      '1 trailing bytes after the signature',
    );
    expect(() => decodeDigitallySigned(bytes.subarray(0, 5))).toThrow('truncated signature');
  });
});
