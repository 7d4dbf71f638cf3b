import { canonicalJson, canonicalJsonBytes, type JsonValue } from './jcs';

const error = (message: string): Error =>
  expect.objectContaining({ code: 'INVALID_ENCODING', message }) as Error;

describe(canonicalJson.name, () => {
  it('serialises the RFC 8785 §3.2.2 example', () => {
    // The input of §3.2.2, parsed as JSON.
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        ' "literals": [null, true, false]}',
    ) as JsonValue;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts properties by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = JSON.parse(
      '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh",' +
        ' "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control",' +
        ' "\\u00f6": "Latin Small Letter O With Diaeresis"}',
    ) as Record<string, string>;
    // Read the order off the text: JS objects would move the integer-like key "1" first.
    const order = Array.from(canonicalJson(input).matchAll(/:"([^"]*)"/g), (m) => m[1]);
    // The order §3.2.3 lists; U+1F600 (surrogates D83D DE00) sorts before U+FB33.
    expect(order).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  it.each([
    // RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text.
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('serialises the double %s as %s (RFC 8785 Appendix B)', (bits, text) => {
    expect(canonicalJson(Buffer.from(bits, 'hex').readDoubleBE(0))).toBe(text);
  });

  it('rejects values outside I-JSON', () => {
    expect(() => canonicalJson(NaN)).toThrow(
      error('value cannot be canonicalised: NaN is not allowed'),
    );
    expect(() => canonicalJson(Infinity)).toThrow(
      error('value cannot be canonicalised: Infinity is not allowed'),
    );
    expect(() => canonicalJson({ n: 1n } as unknown as JsonValue)).toThrow(
      error('value cannot be canonicalised: bigint is not JSON'),
    );
    expect(() => canonicalJson(undefined as unknown as JsonValue)).toThrow(
      error('value cannot be canonicalised: nothing to serialise'),
    );
  });

  it('returns UTF-8 bytes', () => {
    expect(Buffer.from(canonicalJsonBytes({ b: '€', a: 1 })).toString('hex')).toBe(
      Buffer.from('{"a":1,"b":"€"}').toString('hex'),
    );
  });
});
