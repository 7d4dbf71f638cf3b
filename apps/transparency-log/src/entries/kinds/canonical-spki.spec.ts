import { createPublicKey, type KeyObject } from 'node:crypto';
import { generateKeyPair, publicKeyToDer, type SignatureAlgorithm } from '@app/signing';
import { canonicalSpkiOf } from './canonical-spki';

/** The reference: the SPKI a JWK round trip gives (what the log compared before). */
const roundTrip = (key: KeyObject) =>
  createPublicKey({ key: key.export({ format: 'jwk' }), format: 'jwk' }).export({
    type: 'spki',
    format: 'der',
  });

/** `key` re-encoded with its EC point compressed (SEC 1 §2.3.3), as Node keeps it. */
function compressed(key: KeyObject, prefixHex: string): { key: KeyObject; spki: Buffer } {
  const jwk = key.export({ format: 'jwk' });
  const odd = Buffer.from(jwk.y!, 'base64url').at(-1)! & 1;
  const spki = Buffer.concat([
    Buffer.from(prefixHex, 'hex'),
    Buffer.of(2 + odd),
    Buffer.from(jwk.x!, 'base64url'),
  ]);
  return { key: createPublicKey({ key: spki, format: 'der', type: 'spki' }), spki };
}

describe(canonicalSpkiOf.name, () => {
  const algorithms: SignatureAlgorithm[] = [
    'ecdsa-p256-sha256',
    'ecdsa-p384-sha384',
    'ed25519',
    'rsa-pkcs1-sha256',
  ];

  it.each(algorithms)('returns the round-trip SPKI of a %s key', (algorithm) => {
    for (let i = 0; i < 3; i++) {
      const { publicKey } = generateKeyPair(algorithm, 2048);
      const expected = roundTrip(publicKey);
      expect(Buffer.from(canonicalSpkiOf(publicKey, algorithm)!)).toEqual(expected);
      expect(Buffer.from(publicKeyToDer(publicKey))).toEqual(expected);
      // Given the bytes the key was parsed from, it answers with them.
      const parsed = createPublicKey({ key: expected, format: 'der', type: 'spki' });
      expect(Buffer.from(canonicalSpkiOf(parsed, algorithm, expected)!)).toEqual(expected);
    }
  });

  it('refuses compressed P-256 and P-384 points, with or without their encoding', () => {
    const cases = [
      {
        algorithm: 'ecdsa-p256-sha256' as const,
        prefix: '3039301306072a8648ce3d020106082a8648ce3d030107032200',
      },
      {
        algorithm: 'ecdsa-p384-sha384' as const,
        prefix: '3046301006072a8648ce3d020106052b81040022033200',
      },
    ];
    for (const { algorithm, prefix } of cases) {
      const { publicKey } = generateKeyPair(algorithm);
      const { key, spki } = compressed(publicKey, prefix);
      // The premise: Node exports the compressed form again, unlike the round trip.
      expect(key.export({ type: 'spki', format: 'der' })).toEqual(spki);
      expect(roundTrip(key)).not.toEqual(spki);
      expect(canonicalSpkiOf(key, algorithm)).toBeUndefined();
      expect(canonicalSpkiOf(key, algorithm, spki)).toBeUndefined();
    }
  });

  it("uses a given encoding only when it is in the form of the key's own algorithm", () => {
    const p256 = generateKeyPair('ecdsa-p256-sha256').publicKey;
    const p384 = roundTrip(generateKeyPair('ecdsa-p384-sha384').publicKey);
    expect(Buffer.from(canonicalSpkiOf(p256, 'ecdsa-p256-sha256', p384)!)).toEqual(roundTrip(p256));
  });
});
