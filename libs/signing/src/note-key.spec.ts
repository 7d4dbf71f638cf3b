import { generateKeyPair } from './keys';
import {
  formatVerifierKey,
  noteKeyId,
  noteKeyIdOf,
  noteSignerOf,
  noteVerifierOf,
  parseVerifierKey,
} from './note-key';
import { KeyObjectSigner } from './signers/key-object';

const error = (code: string, message: string): Error =>
  expect.objectContaining({ code, message }) as Error;

describe(parseVerifierKey.name, () => {
  it('parses the C2SP signed-note vector to key ID 530d903a', () => {
    const verifier = parseVerifierKey(
      'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k',
    );
    expect(verifier.name).toBe('example.com/foo');
    expect(verifier.keyId).toBe(0x530d903a);
  });

  it('parses the golang.org/x/mod sumdb/note test keys', () => {
    expect(
      parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW').keyId,
    ).toBe(0xc74f20a3);
    expect(
      parseVerifierKey('EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop').keyId,
    ).toBe(0xaf0cfe78);
  });

  it.each([
    [
      'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'INVALID_KEY',
      'verifier key ID c74f20a4 does not match the key (c74f20a3)',
    ],
    ['PeterNeumann+c74f20a3', 'INVALID_KEY', 'verifier key must be <name>+<key id>+<base64 key>'],
    [
      'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'INVALID_KEY',
      'invalid note key name "Peter Neumann"',
    ],
    [
      '+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'INVALID_KEY',
      'invalid note key name ""',
    ],
    [
      'PeterNeumann+c74f20+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'INVALID_KEY',
      'verifier key ID must be 8 hexadecimal digits',
    ],
    [
      'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T',
      'INVALID_KEY',
      'verifier key is not canonical base64',
    ],
    // sumdb/note's "wrong length key, with adjusted key hash" (its padding bits are not zero).
    [
      'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==',
      'INVALID_KEY',
      'verifier key is not canonical base64',
    ],
    [
      `short+00000000+${Buffer.from([1, ...new Uint8Array(31)]).toString('base64')}`,
      'INVALID_KEY',
      'Ed25519 verifier key must be 32 bytes, got 31',
    ],
    // sumdb/note's "unknown algorithm, with adjusted key hash".
    [
      'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'UNSUPPORTED_KEY',
      'unsupported verifier key signature type 0x65',
    ],
  ])('rejects %s', (vkey, code, message) => {
    expect(() => parseVerifierKey(vkey)).toThrow(error(code, message));
  });

  it('round-trips formatVerifierKey for Ed25519 and ECDSA keys', () => {
    for (const algorithm of ['ed25519', 'ecdsa-p256-sha256', 'ecdsa-p384-sha384'] as const) {
      const { publicKey } = generateKeyPair(algorithm);
      const vkey = formatVerifierKey(publicKey, 'log.example/a');
      const verifier = parseVerifierKey(vkey);
      expect(verifier.keyId).toBe(noteKeyIdOf(publicKey, 'log.example/a', 'c2sp'));
      expect(
        vkey.startsWith(`log.example/a+${verifier.keyId.toString(16).padStart(8, '0')}+`),
      ).toBe(true);
    }
  });

  it('has no verifier key form for RSA', () => {
    const { publicKey } = generateKeyPair('rsa-pkcs1-sha256', 2048);
    expect(() => formatVerifierKey(publicKey, 'x')).toThrow(
      error('UNSUPPORTED_KEY', 'RSA keys have no C2SP signed-note signature type'),
    );
  });
});

describe(noteKeyIdOf.name, () => {
  it('uses the SPKI hash for ECDSA under both rules', () => {
    const { publicKey } = generateKeyPair('ecdsa-p256-sha256');
    expect(noteKeyIdOf(publicKey, 'a', 'rekor')).toBe(noteKeyIdOf(publicKey, 'b', 'c2sp'));
  });

  it('uses SHA-256(name || 0x0A || 0x01 || key) for Ed25519 under c2sp only', () => {
    const { publicKey } = generateKeyPair('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    expect(noteKeyIdOf(publicKey, 'n', 'c2sp')).toBe(noteKeyId('n', 0x01, raw));
    expect(noteKeyIdOf(publicKey, 'n', 'rekor')).not.toBe(noteKeyIdOf(publicKey, 'n', 'c2sp'));
  });

  it('rejects RSA under c2sp', () => {
    const { publicKey } = generateKeyPair('rsa-pkcs1-sha256', 2048);
    expect(() => noteKeyIdOf(publicKey, 'n', 'c2sp')).toThrow(
      error('UNSUPPORTED_KEY', 'RSA keys have no C2SP signed-note signature type'),
    );
  });
});

describe(noteSignerOf.name, () => {
  it('signs what the matching verifier accepts, for every log key type', async () => {
    for (const algorithm of ['ecdsa-p256-sha256', 'ed25519', 'rsa-pkcs1-sha256'] as const) {
      const { privateKey, publicKey } = generateKeyPair(algorithm, 2048);
      const signer = noteSignerOf(new KeyObjectSigner(privateKey), 'log.example');
      const verifier = noteVerifierOf(publicKey, 'log.example');
      expect(signer.keyId).toBe(verifier.keyId);
      const text = Buffer.from('hello\n');
      expect(verifier.verify(text, await signer.sign(text))).toBe(true);
      expect(verifier.verify(Buffer.from('hello!\n'), await signer.sign(text))).toBe(false);
    }
  });

  it('refuses a P-384 signer, whose SHA-384 signatures Rekor clients reject', () => {
    const { privateKey } = generateKeyPair('ecdsa-p384-sha384');
    expect(() => noteSignerOf(new KeyObjectSigner(privateKey), 'log.example')).toThrow(
      error(
        'UNSUPPORTED_KEY',
        'a signed note needs a P-256, Ed25519 or RSA key: clients verify ECDSA over SHA-256 only',
      ),
    );
  });

  it('refuses invalid key names', () => {
    const { privateKey, publicKey } = generateKeyPair('ed25519');
    for (const name of ['', 'a b', 'a+b', 'a\u00a0b', 'a\tb']) {
      expect(() => noteSignerOf(new KeyObjectSigner(privateKey), name)).toThrow(
        error('INVALID_KEY', `invalid note key name ${JSON.stringify(name)}`),
      );
      expect(() => noteVerifierOf(publicKey, name)).toThrow(
        error('INVALID_KEY', `invalid note key name ${JSON.stringify(name)}`),
      );
    }
  });
});
