import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { ecdsaSignatureToDer } from '@app/signing';
import { verifyPrehashedEcdsa } from './prehashed-ecdsa';

// Node signs over the message (hashing it itself); the function under test gets only the digest.
// Every case is therefore checked against an implementation we did not write (OpenSSL); a wrong
// domain parameter (p, b, G or n) would make every one of the random signatures fail.
const CASES = [
  ['P-256', 'sha256'],
  ['P-256', 'sha384'], // longer digest: truncated to the 256-bit order
  ['P-256', 'sha512'],
  ['P-384', 'sha384'],
  ['P-384', 'sha256'], // shorter digest: used whole
  ['P-384', 'sha512'],
] as const;

// The P-256 group order (SP 800-186 §3.2.1.3).
const P256_ORDER = 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551';

function signed(curve: 'P-256' | 'P-384', hash: string, message: Buffer) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const signature = sign(hash, message, { key: privateKey, dsaEncoding: 'der' });
  const digest = createHash(hash).update(message).digest();
  return { publicKey, signature, digest };
}

describe(verifyPrehashedEcdsa.name, () => {
  it.each(CASES)('accepts OpenSSL %s signatures over %s digests', (curve, hash) => {
    for (let i = 0; i < 20; i++) {
      const { publicKey, signature, digest } = signed(curve, hash, Buffer.from(`message ${i}`));
      expect(verifyPrehashedEcdsa(publicKey, digest, signature)).toBe(true);
    }
  });

  it.each(CASES)('rejects a %s signature over another %s digest', (curve, hash) => {
    const { publicKey, signature, digest } = signed(curve, hash, Buffer.from('artifact'));
    const other = Buffer.from(digest);
    other[0]! ^= 0x01; // the first byte: a longer digest loses its tail to truncation
    expect(verifyPrehashedEcdsa(publicKey, other, signature)).toBe(false);
  });

  it('rejects a signature with any single byte of r or s changed', () => {
    const { publicKey, signature, digest } = signed('P-256', 'sha256', Buffer.from('artifact'));
    const r = signature[3]!;
    // Skip the SEQUENCE/INTEGER headers: flip bytes inside r and inside s.
    for (const at of [4, 4 + r - 1, 4 + r + 2, signature.length - 1]) {
      const tampered = Buffer.from(signature);
      tampered[at]! ^= 0x01;
      expect(verifyPrehashedEcdsa(publicKey, digest, tampered)).toBe(false);
    }
  });

  it('rejects the signature under another key of the same curve', () => {
    const { signature, digest } = signed('P-256', 'sha256', Buffer.from('artifact'));
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(verifyPrehashedEcdsa(other, digest, signature)).toBe(false);
  });

  it('rejects encodings that are not strict DER, and r or s out of range', () => {
    const { publicKey, signature, digest } = signed('P-256', 'sha256', Buffer.from('artifact'));
    const r = signature.subarray(4, 4 + signature[3]!);
    const s = signature.subarray(6 + r.length);
    const seq = (...parts: Buffer[]) => {
      const body = Buffer.concat(parts);
      return Buffer.concat([Buffer.of(0x30, body.length), body]);
    };
    const int = (content: Buffer) => Buffer.concat([Buffer.of(0x02, content.length), content]);
    const n = Buffer.from(P256_ORDER, 'hex');
    const bad = [
      Buffer.concat([signature, Buffer.of(0)]), // trailing byte
      seq(int(Buffer.concat([Buffer.of(0), r])), int(s)), // r with a needless leading zero
      seq(int(Buffer.of(0)), int(s)), // r = 0
      seq(int(r), int(Buffer.concat([Buffer.of(0), n]))), // s = n
      seq(int(Buffer.of(0xff)), int(s)), // negative r
      seq(int(r)), // s missing
      Buffer.alloc(0),
    ];
    // A raw r || s signature, as WebCrypto produces, is not DER either.
    const raw = Buffer.concat([r.subarray(r.length - 32), s.subarray(s.length - 32)]);
    bad.push(raw);
    for (const encoding of bad) {
      expect(verifyPrehashedEcdsa(publicKey, digest, encoding)).toBe(false);
    }
    expect(verifyPrehashedEcdsa(publicKey, digest, ecdsaSignatureToDer(raw))).toBe(true);
  });

  it('accepts the (r, n − s) twin, as Go and OpenSSL do', () => {
    const { publicKey, signature, digest } = signed('P-256', 'sha256', Buffer.from('artifact'));
    const rLength = signature[3]!;
    const r = signature.subarray(4, 4 + rLength);
    const s = BigInt(`0x${signature.subarray(6 + rLength).toString('hex')}`);
    const twin = (BigInt(`0x${P256_ORDER}`) - s).toString(16).padStart(64, '0');
    const raw = Buffer.concat([Buffer.alloc(32 - Math.min(32, r.length)), r.subarray(-32)]);
    const der = ecdsaSignatureToDer(Buffer.concat([raw, Buffer.from(twin, 'hex')]));
    expect(verifyPrehashedEcdsa(publicKey, digest, der)).toBe(true);
  });

  it('returns false for keys that are not P-256 or P-384 ECDSA', () => {
    const { signature, digest } = signed('P-256', 'sha256', Buffer.from('artifact'));
    for (const publicKey of [
      generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey,
      generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey,
      generateKeyPairSync('ed25519').publicKey,
    ]) {
      expect(verifyPrehashedEcdsa(publicKey, digest, signature)).toBe(false);
    }
  });
});
