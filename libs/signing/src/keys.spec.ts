import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import {
  fingerprintOf,
  generateKeyPair,
  hasCanonicalSpki,
  logIdOf,
  parsePublicKey,
  publicKeyFromJwk,
  publicKeyFromSpki,
  publicKeyToDer,
  publicKeyToJwk,
  publicKeyToPem,
  signatureAlgorithmOf,
  verifySignature,
} from './keys';
import type { SignatureAlgorithm } from './signer';

const error = (code: string, message: string): Error =>
  expect.objectContaining({ code, message }) as Error;

describe(signatureAlgorithmOf.name, () => {
  it.each([
    ['ecdsa-p256-sha256'],
    ['ecdsa-p384-sha384'],
    ['ed25519'],
    ['rsa-pkcs1-sha256'],
  ] as Array<[SignatureAlgorithm]>)(
    'recognises generated %s keys, public and private',
    (algorithm) => {
      const { privateKey, publicKey } = generateKeyPair(algorithm, 2048);
      expect(signatureAlgorithmOf(privateKey)).toBe(algorithm);
      expect(signatureAlgorithmOf(publicKey)).toBe(algorithm);
    },
  );

  it.each([
    [
      'P-521',
      () => generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey,
      'unsupported EC curve secp521r1; use P-256 or P-384',
    ],
    [
      'secp256k1',
      () => generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey,
      'unsupported EC curve secp256k1; use P-256 or P-384',
    ],
    [
      'RSA-1024',
      () => generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey,
      'unsupported RSA modulus of 1024 bits; use 2048 to 4096 bits, a multiple of 8',
    ],
    [
      'RSA-2047',
      () => generateKeyPairSync('rsa', { modulusLength: 2047 }).publicKey,
      'unsupported RSA modulus of 2047 bits; use 2048 to 4096 bits, a multiple of 8',
    ],
    [
      'RSA-PSS',
      () => generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey,
      'unsupported key type rsa-pss',
    ],
    ['Ed448', () => generateKeyPairSync('ed448').publicKey, 'unsupported key type ed448'],
    ['X25519', () => generateKeyPairSync('x25519').publicKey, 'unsupported key type x25519'],
  ])('rejects %s with UNSUPPORTED_KEY', (_, key, message) => {
    expect(() => signatureAlgorithmOf(key())).toThrow(error('UNSUPPORTED_KEY', message));
  });
});

describe(parsePublicKey.name, () => {
  const { publicKey, privateKey } = generateKeyPair('ecdsa-p256-sha256');

  it('parses PEM and DER SPKI to the same key', () => {
    const der = publicKeyToDer(publicKey);
    expect(parsePublicKey(publicKeyToPem(publicKey)).equals(publicKey)).toBe(true);
    expect(parsePublicKey(der).equals(publicKey)).toBe(true);
    expect(parsePublicKey(publicKeyToPem(publicKey).replace(/\n/g, '\r\n')).equals(publicKey)).toBe(
      true,
    );
  });

  it('rejects empty input', () => {
    expect(() => parsePublicKey('')).toThrow(error('INVALID_KEY', 'public key is empty'));
    expect(() => parsePublicKey(new Uint8Array())).toThrow(
      error('INVALID_KEY', 'public key is empty'),
    );
  });

  it('rejects a private key PEM', () => {
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => parsePublicKey(pem)).toThrow(
      error('INVALID_KEY', 'public key is not a PEM "PUBLIC KEY" block'),
    );
  });

  it('rejects a corrupt PEM body and corrupt DER', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n';
    expect(() => parsePublicKey(pem)).toThrow(
      error('INVALID_KEY', 'public key is not a valid PEM SPKI'),
    );
    expect(() => parsePublicKey(Uint8Array.of(0x30, 0x00))).toThrow(
      error('INVALID_KEY', 'public key is not a valid DER SPKI'),
    );
  });

  it('rejects unsupported keys', () => {
    const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey;
    expect(() => parsePublicKey(publicKeyToDer(p521))).toThrow(
      error('UNSUPPORTED_KEY', 'unsupported EC curve secp521r1; use P-256 or P-384'),
    );
  });
});

describe(publicKeyFromJwk.name, () => {
  it.each(['ecdsa-p256-sha256', 'ecdsa-p384-sha384', 'ed25519', 'rsa-pkcs1-sha256'] as const)(
    'round-trips %s',
    (algorithm) => {
      const { publicKey } = generateKeyPair(algorithm, 2048);
      expect(publicKeyFromJwk(publicKeyToJwk(publicKey)).equals(publicKey)).toBe(true);
    },
  );

  it('rejects a private JWK and a malformed one', () => {
    const { privateKey } = generateKeyPair('ed25519');
    expect(() => publicKeyFromJwk(privateKey.export({ format: 'jwk' }))).toThrow(
      error('INVALID_KEY', 'JWK holds a private key; expected a public key'),
    );
    expect(() => publicKeyFromJwk({ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' })).toThrow(
      error('INVALID_KEY', 'public key is not a valid JWK SPKI'),
    );
  });
});

describe(logIdOf.name, () => {
  it('is the SHA-256 of the DER SPKI, and fingerprintOf its hex', () => {
    const { publicKey, privateKey } = generateKeyPair('ecdsa-p256-sha256');
    const expected = createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest();
    expect(Buffer.from(logIdOf(publicKey))).toEqual(expected);
    expect(Buffer.from(logIdOf(privateKey))).toEqual(expected);
    expect(fingerprintOf(publicKey)).toBe(expected.toString('hex'));
  });

  it('matches a fixed key (reproduce: openssl pkey -pubin -outform DER | sha256sum)', () => {
    // RFC 8410 §10.1's example Ed25519 public key.
    const pem = [
      '-----BEGIN PUBLIC KEY-----',
      'MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=',
      '-----END PUBLIC KEY-----',
      '',
    ].join('\n');
    expect(fingerprintOf(parsePublicKey(pem))).toBe(
      'a1e9156054e04fac899ae9f275132cdc07a5dbc4ea2c2ad3a1ffc6e0d253681f',
    );
  });
});

describe(verifySignature.name, () => {
  it('verifies each algorithm with its own digest and rejects garbage without throwing', () => {
    const message = Buffer.from('hello');
    for (const [algorithm, digest] of [
      ['ecdsa-p256-sha256', 'sha256'],
      ['ecdsa-p384-sha384', 'sha384'],
      ['ed25519', null],
      ['rsa-pkcs1-sha256', 'sha256'],
    ] as const) {
      const { privateKey, publicKey } = generateKeyPair(algorithm, 2048);
      const signature = sign(digest, message, privateKey);
      expect(verifySignature(publicKey, message, signature)).toBe(true);
      expect(verifySignature(publicKey, Buffer.from('other'), signature)).toBe(false);
      expect(verifySignature(publicKey, message, Uint8Array.of(0x30, 0x01, 0xff))).toBe(false);
    }
  });
});

describe(publicKeyFromSpki.name, () => {
  const nodeImport = (der: Uint8Array) =>
    createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  const spkiOf = (key: KeyObject) => new Uint8Array(key.export({ type: 'spki', format: 'der' }));

  it.each([
    ['P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey],
    ['P-384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey],
    ['Ed25519', () => generateKeyPairSync('ed25519').publicKey],
  ])('imports %s keys as Node does and remembers their DER', (_, generate) => {
    for (let i = 0; i < 20; i++) {
      const der = spkiOf(generate());
      const key = publicKeyFromSpki(der);
      expect(key.type).toBe('public');
      expect(key.equals(nodeImport(der))).toBe(true);
      // What Node would export is exactly the input, which publicKeyToDer hands back (a copy).
      expect(spkiOf(key)).toEqual(der);
      const remembered = publicKeyToDer(key);
      expect(remembered).toEqual(der);
      remembered.fill(0);
      expect(publicKeyToDer(key)).toEqual(der);
      expect(fingerprintOf(key)).toBe(createHash('sha256').update(der).digest('hex'));
    }
  });

  it('reads other forms through Node: P-521, RSA and a compressed P-256 point', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const { x, y } = p256.export({ format: 'jwk' });
    const yBytes = Buffer.from(y!, 'base64url');
    const compressed = Buffer.concat([
      Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex'),
      Buffer.of(yBytes[31]! & 1 ? 3 : 2),
      Buffer.from(x!, 'base64url'),
    ]);
    expect(publicKeyFromSpki(compressed).equals(p256)).toBe(true);
    for (const key of [
      generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey,
      generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey,
    ]) {
      expect(publicKeyFromSpki(spkiOf(key)).equals(key)).toBe(true);
      expect(publicKeyToDer(publicKeyFromSpki(spkiOf(key)))).toEqual(spkiOf(key));
    }
  });

  it('accepts and rejects exactly what Node does, for corrupted keys of every fast form', () => {
    // Flipping bits in the point (or the prefix) must never yield a key Node would refuse, nor a
    // different key from the one Node reads.
    const seeds = [
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey,
      generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey,
      generateKeyPairSync('ed25519').publicKey,
    ].map(spkiOf);
    let rejected = 0;
    for (let i = 0; i < 300; i++) {
      const der = seeds[i % seeds.length]!.slice();
      der[(i * 7919) % der.length]! ^= 1 << (i % 8);
      let expected: KeyObject | undefined;
      try {
        expected = nodeImport(der);
      } catch {
        expected = undefined;
      }
      if (expected === undefined) {
        rejected++;
        expect(() => publicKeyFromSpki(der)).toThrow(
          error('INVALID_KEY', 'public key is not a valid DER SPKI'),
        );
      } else {
        expect(publicKeyFromSpki(der).equals(expected)).toBe(true);
      }
    }
    expect(rejected).toBeGreaterThan(100);
  });

  it('rejects a point that is not on the curve and bytes that are not a key', () => {
    const der = spkiOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    der[90]! ^= 1;
    expect(() => publicKeyFromSpki(der)).toThrow(
      error('INVALID_KEY', 'public key is not a valid DER SPKI'),
    );
    expect(() => publicKeyFromSpki(Uint8Array.of(0x30, 0x00))).toThrow(
      error('INVALID_KEY', 'public key is not a valid DER SPKI'),
    );
  });
});

describe(hasCanonicalSpki.name, () => {
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

  const algorithms: SignatureAlgorithm[] = [
    'ecdsa-p256-sha256',
    'ecdsa-p384-sha384',
    'ed25519',
    'rsa-pkcs1-sha256',
  ];

  it.each(algorithms)('accepts %s keys, whose SPKI is the round-trip one', (algorithm) => {
    for (let i = 0; i < 3; i++) {
      const { publicKey } = generateKeyPair(algorithm, 2048);
      const expected = roundTrip(publicKey);
      expect(hasCanonicalSpki(publicKey)).toBe(true);
      expect(Buffer.from(publicKeyToDer(publicKey))).toEqual(expected);
      // Parsed from those bytes, it is the same.
      const parsed = createPublicKey({ key: expected, format: 'der', type: 'spki' });
      expect(hasCanonicalSpki(parsed)).toBe(true);
      expect(Buffer.from(publicKeyToDer(parsed))).toEqual(expected);
      expect(hasCanonicalSpki(publicKeyFromSpki(expected))).toBe(true);
    }
  });

  it('refuses compressed P-256 and P-384 points, however they were parsed', () => {
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
      expect(hasCanonicalSpki(key)).toBe(false);
      expect(hasCanonicalSpki(publicKeyFromSpki(spki))).toBe(false);
    }
  });
});
