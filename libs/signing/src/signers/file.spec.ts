import { verify } from 'node:crypto';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirs } from '@app/testing/temp-dir';
import { generateKeyPair } from '../keys';
import {
  decryptPrivateKeyPem,
  encryptPrivateKeyPem,
  FileSigner,
  readPassphrase,
  writeEncryptedPrivateKey,
} from './file';

const tempDir = tempDirs(afterAll);

const error = (code: string, message: string): Error =>
  expect.objectContaining({ code, message }) as Error;

describe(FileSigner.name, () => {
  let dir: string;
  const { privateKey, publicKey } = generateKeyPair('ecdsa-p256-sha256');

  beforeAll(() => {
    dir = tempDir('file-signer');
  });

  it('writes an owner-only aes-256-cbc PKCS#8 file and signs with it', async () => {
    const path = join(dir, 'ca.key');
    await writeEncryptedPrivateKey(path, privateKey, 'correct horse');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const signer = await FileSigner.load(path, { value: 'correct horse' });
    expect(signer.path).toBe(path);
    expect(signer.publicKey.equals(publicKey)).toBe(true);
    const signature = await signer.sign(Buffer.from('data'));
    expect(verify('sha256', Buffer.from('data'), publicKey, signature)).toBe(true);
  });

  it('reads the passphrase from a file, dropping one trailing newline', async () => {
    const path = join(dir, 'log.key');
    await writeEncryptedPrivateKey(path, privateKey, 'from a file');
    const passphraseFile = join(dir, 'passphrase');
    writeFileSync(passphraseFile, 'from a file\r\n');
    const signer = await FileSigner.load(path, { file: passphraseFile });
    expect(signer.algorithm).toBe('ecdsa-p256-sha256');
  });

  it('never overwrites a key file', async () => {
    const path = join(dir, 'existing.key');
    await writeEncryptedPrivateKey(path, privateKey, 'pw');
    await expect(writeEncryptedPrivateKey(path, privateKey, 'pw')).rejects.toMatchObject({
      code: 'SIGNER_FAILURE',
      message: `refusing to overwrite existing key file ${path}`,
    });
  });

  it('rejects a wrong passphrase', async () => {
    const path = join(dir, 'wrong.key');
    await writeEncryptedPrivateKey(path, privateKey, 'right');
    await expect(FileSigner.load(path, { value: 'wrong' })).rejects.toMatchObject({
      code: 'INVALID_PASSPHRASE',
      message: 'wrong passphrase for the encrypted private key',
    });
  });

  it('rejects a missing key file', async () => {
    const path = join(dir, 'missing.key');
    await expect(FileSigner.load(path, { value: 'x' })).rejects.toMatchObject({
      code: 'KEY_NOT_FOUND',
      message: `cannot read key file ${path}`,
    });
  });

  it('signs from a PEM in memory', async () => {
    const signer = FileSigner.fromPem(encryptPrivateKeyPem(privateKey, 'pw'), 'pw');
    expect(verify('sha256', Buffer.from('x'), publicKey, await signer.sign(Buffer.from('x')))).toBe(
      true,
    );
  });
});

describe(decryptPrivateKeyPem.name, () => {
  const { privateKey } = generateKeyPair('ed25519');

  it('refuses an unencrypted key', () => {
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => decryptPrivateKeyPem(pem, 'pw')).toThrow(
      error(
        'INVALID_KEY',
        'private key is not an encrypted PKCS#8 PEM (BEGIN ENCRYPTED PRIVATE KEY)',
      ),
    );
  });

  it('names the cipher in the PEM it writes (PBES2 + AES-256-CBC)', () => {
    const pem = encryptPrivateKeyPem(privateKey, 'pw');
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    // OIDs 1.2.840.113549.1.5.13 (PBES2) and 2.16.840.1.101.3.4.1.42 (aes256-CBC).
    expect(der.includes(Buffer.from('06092a864886f70d01050d', 'hex'))).toBe(true);
    expect(der.includes(Buffer.from('060960864801650304012a', 'hex'))).toBe(true);
    expect(decryptPrivateKeyPem(pem, 'pw').equals(privateKey)).toBe(true);
  });

  it('refuses to encrypt with an empty passphrase or a public key', () => {
    expect(() => encryptPrivateKeyPem(privateKey, '')).toThrow(
      error('INVALID_PASSPHRASE', 'passphrase is empty'),
    );
    const { publicKey } = generateKeyPair('ed25519');
    expect(() => encryptPrivateKeyPem(publicKey, 'pw')).toThrow(
      error('INVALID_KEY', 'expected a private key, got a public key'),
    );
  });
});

describe(readPassphrase.name, () => {
  it('rejects an empty passphrase and an unreadable file', async () => {
    await expect(readPassphrase({ value: '' })).rejects.toMatchObject({
      code: 'INVALID_PASSPHRASE',
      message: 'passphrase is empty',
    });
    await expect(readPassphrase({ file: '/nonexistent/passphrase' })).rejects.toMatchObject({
      code: 'INVALID_PASSPHRASE',
      message: 'cannot read passphrase file /nonexistent/passphrase',
    });
  });

  it('keeps inner whitespace and drops only one trailing newline', async () => {
    const file = join(tempDir('passphrase'), 'p');
    writeFileSync(file, ' a b \n\n');
    await expect(readPassphrase({ file })).resolves.toBe(' a b \n');
  });
});
