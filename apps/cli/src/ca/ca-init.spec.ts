import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  certificatesFromPem,
  FileSigner,
  fingerprintOf,
  parseCertificate,
  verifyChain,
} from '@app/signing';
import { tempDirs } from '@app/testing/temp-dir';
import { usageError } from '../cli/exit-codes';
import { caInit } from './ca-init';

describe('signet ca init', () => {
  const tempDir = tempDirs();

  it('writes an encrypted root and intermediate key and a chain that verifies, and prints the settings', async () => {
    const dir = join(tempDir('ca-init'), 'ca');
    const lines: string[] = [];
    expect(
      await caInit(['--out', dir, '--common-name', 'Acme CA', '--years', '2'], (l) =>
        lines.push(l),
      ),
    ).toBe(0);
    expect(lines).toEqual([
      `wrote a new passphrase to ${join(dir, 'passphrase')}; keep it secret`,
      `CA_KEY_PASSPHRASE_FILE=${join(dir, 'passphrase')}`,
      `CA_KEY=${join(dir, 'intermediate-key.pem')}`,
      `CA_CHAIN=${join(dir, 'chain.pem')}`,
      `LOG_CA_ROOTS=${join(dir, 'root.pem')}`,
    ]);
    for (const file of ['root-key.pem', 'intermediate-key.pem', 'passphrase']) {
      expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    }
    expect(readFileSync(join(dir, 'intermediate-key.pem'), 'utf8')).toMatch(
      /^-----BEGIN ENCRYPTED PRIVATE KEY-----/,
    );
    const [intermediate, root] = certificatesFromPem(
      readFileSync(join(dir, 'chain.pem'), 'utf8'),
    ).map((d) => parseCertificate(d));
    expect(root!.subjectName).toBe('O=Signet, CN=Acme CA root');
    verifyChain(intermediate!.der, [], [root!], new Date());
    expect(certificatesFromPem(readFileSync(join(dir, 'root.pem'), 'utf8'))).toEqual([root!.der]);
    expect(intermediate!.basicConstraints).toEqual({ ca: true, pathLength: 0 });
    const signer = await FileSigner.load(join(dir, 'intermediate-key.pem'), {
      file: join(dir, 'passphrase'),
    });
    expect(fingerprintOf(signer.publicKey)).toBe(fingerprintOf(intermediate!.publicKey));
  });

  it('never overwrites an existing CA', async () => {
    const dir = tempDir('ca-init');
    await caInit(['--out', dir], () => undefined);
    await expect(caInit(['--out', dir], () => undefined)).rejects.toThrow(
      /EEXIST|refusing to overwrite/,
    );
  });

  it('rejects bad usage before writing anything', async () => {
    const dir = join(tempDir('ca-init'), 'ca');
    await expect(caInit([], () => undefined)).rejects.toThrow(usageError('--out DIR is required'));
    await expect(caInit(['--out', dir, '--years', '0'], () => undefined)).rejects.toThrow(
      '--years must be an integer from 1 to 30',
    );
    await expect(
      caInit(['--out', dir, '--pkcs11-module', '/lib.so'], () => undefined),
    ).rejects.toThrow('--pkcs11-module needs --pkcs11-token and --pkcs11-pin-file');
    expect(existsSync(dir)).toBe(false);
  });
});
