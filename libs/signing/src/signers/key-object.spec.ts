import { generateKeyPairSync, verify } from 'node:crypto';
import { generateKeyPair } from '../keys';
import { KeyObjectSigner } from './key-object';

describe(KeyObjectSigner.name, () => {
  const message = Buffer.from('message');

  it.each([
    ['ecdsa-p256-sha256', 'sha256'],
    ['ecdsa-p384-sha384', 'sha384'],
    ['ed25519', null],
    ['rsa-pkcs1-sha256', 'sha256'],
  ] as const)('signs %s verifiably, ECDSA in DER', async (algorithm, digest) => {
    const { privateKey, publicKey } = generateKeyPair(algorithm, 2048);
    const signer = new KeyObjectSigner(privateKey);
    expect(signer.algorithm).toBe(algorithm);
    expect(signer.publicKey.equals(publicKey)).toBe(true);
    const signature = await signer.sign(message);
    expect(verify(digest, message, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
    if (algorithm.startsWith('ecdsa')) expect(signature[0]).toBe(0x30);
  });

  it('rejects a public key', () => {
    const { publicKey } = generateKeyPair('ed25519');
    expect(() => new KeyObjectSigner(publicKey)).toThrow(
      expect.objectContaining({
        code: 'INVALID_KEY',
        message: 'a signer needs a private key, got a public key',
      }),
    );
  });

  it('rejects an unsupported private key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-521' });
    expect(() => new KeyObjectSigner(privateKey)).toThrow(
      expect.objectContaining({
        code: 'UNSUPPORTED_KEY',
        message: 'unsupported EC curve secp521r1; use P-256 or P-384',
      }),
    );
  });
});
