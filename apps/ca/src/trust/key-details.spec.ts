import { generateKeyPairSync } from 'node:crypto';
import { keyDetails } from './trusted-root.service';

/** I2: every log key is labelled with the algorithm verifiers must use for it. */
describe(keyDetails.name, () => {
  it('names each key Signet signs with, RSA by its size', () => {
    const rsa = (modulusLength: number) => generateKeyPairSync('rsa', { modulusLength }).publicKey;
    const ec = (namedCurve: string) => generateKeyPairSync('ec', { namedCurve }).publicKey;
    expect(keyDetails(ec('prime256v1'))).toBe('PKIX_ECDSA_P256_SHA_256');
    expect(keyDetails(ec('secp384r1'))).toBe('PKIX_ECDSA_P384_SHA_384');
    expect(keyDetails(generateKeyPairSync('ed25519').publicKey)).toBe('PKIX_ED25519');
    expect(keyDetails(rsa(2048))).toBe('PKIX_RSA_PKCS1V15_2048_SHA256');
    expect(keyDetails(rsa(3072))).toBe('PKIX_RSA_PKCS1V15_3072_SHA256');
    expect(keyDetails(rsa(4096))).toBe('PKIX_RSA_PKCS1V15_4096_SHA256');
  });

  it('refuses a key it has no label for, rather than calling it RSA-2048', () => {
    expect(() =>
      keyDetails(generateKeyPairSync('ec', { namedCurve: 'secp521r1' }).publicKey),
    ).toThrow('a log key of type ec secp521r1 has no trusted-root key details');
    expect(() => keyDetails(generateKeyPairSync('ed448').publicKey)).toThrow(
      'a log key of type ed448 has no trusted-root key details',
    );
  });
});
