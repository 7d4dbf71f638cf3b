import { fromBase64, fromHex, toBase64, toHex } from './encoding';

describe(fromBase64.name, () => {
  it('round-trips with toBase64', () => {
    const bytes = Uint8Array.from({ length: 33 }, (_, i) => i * 7);
    for (let n = 0; n <= bytes.length; n++) {
      expect(fromBase64(toBase64(bytes.subarray(0, n)), 'x')).toEqual(bytes.subarray(0, n));
    }
  });

  it.each([
    ['missing padding', 'AQ'],
    ['URL-safe alphabet', '-_8='],
    ['whitespace', 'AQID BA=='],
    ['non-zero padding bits', 'AR=='], // 'AQ==' is the canonical spelling of 0x01
    ['stray characters', 'AQ==!'],
  ])('rejects %s', (_, text) => {
    expect(() => fromBase64(text, 'field')).toThrow(
      expect.objectContaining({
        code: 'INVALID_ENCODING',
        message: 'field is not canonical standard base64',
      }),
    );
  });
});

describe(fromHex.name, () => {
  it('round-trips with toHex', () => {
    expect(toHex(fromHex('00ff10', 'x'))).toBe('00ff10');
  });

  it('rejects uppercase and odd lengths', () => {
    for (const text of ['00FF', '0', 'zz']) {
      expect(() => fromHex(text, 'logID')).toThrow(
        expect.objectContaining({
          code: 'INVALID_ENCODING',
          message: 'logID is not lowercase hexadecimal',
        }),
      );
    }
  });

  it('checks the length', () => {
    expect(() => fromHex('00', 'logID', 32)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ENCODING',
        message: 'logID must be 32 bytes, got 1',
      }),
    );
  });
});
