import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { ecdsaSignatureToDer } from './ecdsa';

describe(ecdsaSignatureToDer.name, () => {
  it('encodes minimal positive integers (RFC 3279 §2.2.3, X.690 §8.3)', () => {
    // r = 0x80 needs a 0x00 prefix; s = 1 loses its leading zeros.
    const raw = new Uint8Array(64);
    raw[31] = 0x80;
    raw[63] = 0x01;
    expect(Buffer.from(ecdsaSignatureToDer(raw)).toString('hex')).toBe('3007020200800201' + '01');
    raw[0] = 0xff;
    const der = Buffer.from(ecdsaSignatureToDer(raw));
    expect(der.subarray(0, 5).toString('hex')).toBe('3026022100');
  });

  it.each(['P-256', 'P-384'])('matches what OpenSSL verifies for %s', (namedCurve) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
    for (let i = 0; i < 50; i++) {
      const message = Buffer.from(`message ${i}`);
      // Node's "ieee-p1363" encoding is the r || s form PKCS#11 tokens return.
      const raw = sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      expect(verify('sha256', message, publicKey, ecdsaSignatureToDer(raw))).toBe(true);
    }
  });

  it('rejects raw signatures of odd length', () => {
    expect(() => ecdsaSignatureToDer(new Uint8Array(63))).toThrow(
      expect.objectContaining({
        code: 'INVALID_SIGNATURE',
        message: 'raw ECDSA signature must be r || s of equal widths, got 63 bytes',
      }),
    );
  });
});
