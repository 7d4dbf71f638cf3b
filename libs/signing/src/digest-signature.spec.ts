import { createHash, generateKeyPairSync, privateEncrypt, sign, constants } from 'node:crypto';
import { verifyDigestSignature } from './digest-signature';

const message = Buffer.from('artifact bytes');
const sha = (algorithm: string) => createHash(algorithm).update(message).digest();

describe(verifyDigestSignature.name, () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it.each(['sha256', 'sha384', 'sha512'] as const)(
    'accepts an OpenSSL RSA PKCS#1 v1.5 %s signature given only the digest',
    (algorithm) => {
      const signature = sign(algorithm, message, rsa.privateKey);
      expect(verifyDigestSignature(rsa.publicKey, algorithm, sha(algorithm), signature)).toBe(true);
    },
  );

  it('rejects an RSA signature over another digest, or one byte changed', () => {
    const signature = sign('sha256', message, rsa.privateKey);
    const other = createHash('sha256').update('other').digest();
    expect(verifyDigestSignature(rsa.publicKey, 'sha256', other, signature)).toBe(false);
    const tampered = Buffer.from(signature);
    tampered[100]! ^= 0x01;
    expect(verifyDigestSignature(rsa.publicKey, 'sha256', sha('sha256'), tampered)).toBe(false);
  });

  it('rejects an RSA signature whose DigestInfo names another algorithm', () => {
    // SHA3-256 digests are 32 bytes too: only the OID in the DigestInfo tells them apart.
    const signature = sign('sha3-256', message, rsa.privateKey);
    expect(verifyDigestSignature(rsa.publicKey, 'sha256', sha('sha3-256'), signature)).toBe(false);
  });

  it('rejects a PKCS#1 block holding the bare digest without DigestInfo', () => {
    const bare = privateEncrypt(
      { key: rsa.privateKey, padding: constants.RSA_PKCS1_PADDING },
      sha('sha256'),
    );
    expect(verifyDigestSignature(rsa.publicKey, 'sha256', sha('sha256'), bare)).toBe(false);
  });

  it('rejects an RSA signature that is not exactly as long as the modulus', () => {
    const signature = sign('sha256', message, rsa.privateKey);
    const padded = Buffer.concat([Buffer.of(0), signature]);
    expect(verifyDigestSignature(rsa.publicKey, 'sha256', sha('sha256'), padded)).toBe(false);
    expect(verifyDigestSignature(rsa.publicKey, 'sha256', sha('sha256'), Buffer.alloc(0))).toBe(
      false,
    );
  });

  it('verifies ECDSA over the digest and rejects a digest of the wrong length', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signature = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
    expect(verifyDigestSignature(publicKey, 'sha256', sha('sha256'), signature)).toBe(true);
    expect(verifyDigestSignature(publicKey, 'sha384', sha('sha256'), signature)).toBe(false);
  });

  it('returns false for Ed25519, which Rekor verifies as Ed25519ph', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signature = sign(null, sha('sha512'), privateKey);
    expect(verifyDigestSignature(publicKey, 'sha512', sha('sha512'), signature)).toBe(false);
  });
});
