import {
  createECDH,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { p256 } from '@noble/curves/p256';
import { bytesToNumberBE } from '@noble/curves/utils';
import fc from 'fast-check';
import { ecdsaSignatureToDer } from './ecdsa';
import { verifyP256WithEcdh, verifyPrehashedEcdsa } from './ecdsa-prehashed';

// Node signs over the message (hashing it itself); the function under test gets only the digest.
// Every case is therefore checked against implementations we did not write: OpenSSL for
// signatures it made, @noble/curves' verify (the reference the function must equal) for the rest.
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
const { Point } = p256;
const n = Point.Fn.ORDER;
const Fn = Point.Fn;

function signed(curve: 'P-256' | 'P-384', hash: string, message: Buffer) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const signature = sign(hash, message, { key: privateKey, dsaEncoding: 'der' });
  const digest = createHash(hash).update(message).digest();
  return { publicKey, signature, digest };
}

const b64url = (value: bigint) => Buffer.from(Fn.toBytes(value)).toString('base64url');

/** The P-256 key pair with private scalar `d` (1 ≤ d < n), computed by OpenSSL. */
function keyPair(d: bigint): { privateKey: KeyObject; publicKey: KeyObject } {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Fn.toBytes(d));
  const q = Point.fromBytes(ecdh.getPublicKey()).toAffine();
  const jwk = { kty: 'EC', crv: 'P-256', x: b64url(q.x), y: b64url(q.y) };
  return {
    privateKey: createPrivateKey({ key: { ...jwk, d: b64url(d) }, format: 'jwk' }),
    publicKey: publicKeyOf(Point.fromAffine(q)),
  };
}

function publicKeyOf(point: InstanceType<typeof Point>): KeyObject {
  const { x, y } = point.toAffine();
  return createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64url(x), y: b64url(y) },
    format: 'jwk',
  });
}

const uncompressed = (key: KeyObject) =>
  key.export({ format: 'der', type: 'spki' }).subarray(-65) as Uint8Array;

/** DER of (r, s) for any 0 ≤ r, s < 2^256 (noble's Signature refuses values outside [1, n − 1]). */
const der = (r: bigint, s: bigint) =>
  ecdsaSignatureToDer(
    Buffer.from(r.toString(16).padStart(64, '0') + s.toString(16).padStart(64, '0'), 'hex'),
  );

/** The reference: noble's verify over the digest, as the function promises to equal. */
function noble(publicKey: KeyObject, digest: Uint8Array, signature: Uint8Array): boolean {
  try {
    return p256.verify(signature, digest, uncompressed(publicKey), {
      prehash: false,
      lowS: false,
      format: 'der',
    });
  } catch {
    return false;
  }
}

/**
 * A public key for which (r, s) is a valid signature over `digest`, made without any private key
 * from a chosen R (FIPS 186-5 §6.4.2 solved for Q): Q = u2⁻¹·(R − u1·G), r = x(R) mod n.
 */
function forged(rPoint: InstanceType<typeof Point>, digest: Uint8Array, s: bigint) {
  const r = Fn.create(rPoint.toAffine().x);
  const w = Fn.inv(s);
  const u1 = Fn.mul(Fn.create(bytesToNumberBE(digest)), w);
  const u2 = Fn.mul(r, w);
  const base = u1 === 0n ? Point.ZERO : Point.BASE.multiply(u1);
  const q = rPoint.subtract(base).multiply(Fn.inv(u2));
  return { publicKey: publicKeyOf(q), q, r };
}

const scalar = fc.bigInt({ min: 1n, max: n - 1n });
const digest32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

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
    const order = Buffer.from(P256_ORDER, 'hex');
    const bad = [
      Buffer.concat([signature, Buffer.of(0)]), // trailing byte
      seq(int(Buffer.concat([Buffer.of(0), r])), int(s)), // r with a needless leading zero
      seq(int(Buffer.of(0)), int(s)), // r = 0
      seq(int(r), int(Buffer.of(0))), // s = 0
      seq(int(r), int(Buffer.concat([Buffer.of(0), order]))), // s = n
      seq(int(Buffer.concat([Buffer.of(0), order])), int(s)), // r = n
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
    const r = bytesToNumberBE(signature.subarray(4, 4 + rLength));
    const s = bytesToNumberBE(signature.subarray(6 + rLength));
    expect(verifyPrehashedEcdsa(publicKey, digest, der(r, n - s))).toBe(true);
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

describe(verifyP256WithEcdh.name, () => {
  it('accepts what OpenSSL signs and verifies, for random keys and messages', () => {
    fc.assert(
      fc.property(scalar, fc.uint8Array({ maxLength: 64 }), (d, message) => {
        const { privateKey, publicKey } = keyPair(d);
        const signature = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
        expect(verify('sha256', message, publicKey, signature)).toBe(true);
        const digest = createHash('sha256').update(message).digest();
        const { r, s } = p256.Signature.fromBytes(signature, 'der');
        expect(verifyP256WithEcdh(uncompressed(publicKey), digest, r, s)).toBe(true);
        expect(verifyPrehashedEcdsa(publicKey, digest, signature)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('decides as noble does for signatures over another digest, by another key, or mutated', () => {
    const mutation = fc.oneof(
      fc.constant('none' as const),
      fc.constant('digest' as const),
      fc.constant('key' as const),
      fc.tuple(fc.constantFrom('r' as const, 's' as const), fc.bigInt({ min: -3n, max: 3n })),
      fc.tuple(fc.constantFrom('r' as const, 's' as const), scalar),
    );
    fc.assert(
      fc.property(scalar, digest32, scalar, mutation, (d, digest, other, change) => {
        const { publicKey } = keyPair(d);
        // noble signs the digest itself (RFC 6979 nonce; low-S, which verify does not require).
        const signature = p256.sign(digest, Fn.toBytes(d), { prehash: false }).toBytes('der');
        let { r, s } = p256.Signature.fromBytes(signature, 'der');
        let key = publicKey;
        const message = Uint8Array.from(digest);
        if (change === 'digest') message[0]! ^= 0x01;
        else if (change === 'key') key = keyPair(other).publicKey;
        else if (Array.isArray(change)) {
          const [which, by] = change;
          const value = by >= -3n && by <= 3n ? (which === 'r' ? r : s) + by : by;
          if (which === 'r') r = value;
          else s = value;
        }
        const encoded = der(r, s);
        const expected = noble(key, message, encoded);
        expect(verifyPrehashedEcdsa(key, message, encoded)).toBe(expected);
        if (r >= 1n && r < n && s >= 1n && s < n) {
          const fast = verifyP256WithEcdh(uncompressed(key), message, r, s);
          expect(fast === undefined || fast === expected).toBe(true);
        }
        if (change === 'none') expect(expected).toBe(true);
      }),
      { numRuns: 600 },
    );
  });

  it('accepts signatures whose x(R) is at least n, and only with r = x(R) − n', () => {
    // x-coordinates in [n, p) are on the curve ~half the time; take the first few from x = n.
    let found = 0;
    for (let x = n; found < 3; x++) {
      let rPoint: InstanceType<typeof Point>;
      try {
        rPoint = Point.fromHex(`02${x.toString(16).padStart(64, '0')}`);
      } catch {
        continue;
      }
      found++;
      const digest = createHash('sha256').update(`digest ${x}`).digest();
      const { publicKey, r } = forged(rPoint, digest, 12345n);
      expect(r).toBe(x - n);
      expect(noble(publicKey, digest, der(r, 12345n))).toBe(true);
      expect(verifyP256WithEcdh(uncompressed(publicKey), digest, r, 12345n)).toBe(true);
      expect(verifyPrehashedEcdsa(publicKey, digest, der(r, 12345n))).toBe(true);
      // r = x(R) itself is out of range [1, n − 1]: refused before any arithmetic.
      expect(verifyPrehashedEcdsa(publicKey, digest, der(x, 12345n))).toBe(false);
    }
  });

  it('accepts forged-key signatures for random R, digests and s, with s = 1 and n − 1', () => {
    fc.assert(
      fc.property(
        scalar,
        digest32,
        fc.oneof(scalar, fc.constantFrom(1n, n - 1n)),
        (t, digest, s) => {
          const { publicKey, q, r } = forged(Point.BASE.multiply(t), digest, s);
          const encoded = der(r, s);
          expect(noble(publicKey, digest, encoded)).toBe(true);
          expect(verifyPrehashedEcdsa(publicKey, digest, encoded)).toBe(true);
          // −Q has the same x as Q: a verifier that lost the sign of y would accept it.
          const negated = publicKeyOf(q.negate());
          expect(noble(negated, digest, encoded)).toBe(false);
          expect(verifyPrehashedEcdsa(negated, digest, encoded)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('defers to noble when the digest is 0 mod n (u1 = 0), and both accept a valid signature', () => {
    for (const digest of [new Uint8Array(32), Fn.toBytes(0n), Buffer.from(P256_ORDER, 'hex')]) {
      const d = 0x1234567890abcdefn;
      const { publicKey } = keyPair(d);
      const signature = p256.sign(digest, Fn.toBytes(d), { prehash: false }).toBytes('der');
      const { r, s } = p256.Signature.fromBytes(signature, 'der');
      expect(verifyP256WithEcdh(uncompressed(publicKey), digest, r, s)).toBeUndefined();
      expect(verifyPrehashedEcdsa(publicKey, digest, signature)).toBe(true);
      expect(verifyPrehashedEcdsa(publicKey, digest, der(r, Fn.create(s + 1n)))).toBe(false);
    }
  });

  it('defers to noble when (e·r⁻¹)·G + Q is the point at infinity (R = O), and rejects', () => {
    // Q = −(e·r⁻¹)·G makes R = u2·O whatever s is: FIPS 186-5 §6.4.2 step 6 rejects.
    const digest = createHash('sha256').update('infinity').digest();
    const r = 0xabcdefn;
    const k = Fn.mul(Fn.create(bytesToNumberBE(digest)), Fn.inv(r));
    const { publicKey } = keyPair(Fn.neg(k));
    for (const s of [1n, 2n, n - 1n]) {
      expect(verifyP256WithEcdh(uncompressed(publicKey), digest, r, s)).toBeUndefined();
      expect(noble(publicKey, digest, der(r, s))).toBe(false);
      expect(verifyPrehashedEcdsa(publicKey, digest, der(r, s))).toBe(false);
    }
  });

  it('defers to noble for a point off the curve', () => {
    const { publicKey, signature, digest } = signed('P-256', 'sha256', Buffer.from('artifact'));
    const point = Buffer.from(uncompressed(publicKey));
    point[64]! ^= 0x01;
    const { r, s } = p256.Signature.fromBytes(signature, 'der');
    expect(verifyP256WithEcdh(point, digest, r, s)).toBeUndefined();
  });
});
