import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileSigner, parseTufRoot, tufKeyOf, verifyTufRootHistory } from '@app/signing';
import { tempDirs } from '@app/testing/temp-dir';
import { usageError } from '../cli/exit-codes';
import { tuf } from './tuf-root';

const run = async (argv: string[]) => {
  const lines: string[] = [];
  const code = await tuf(argv, (l) => lines.push(l));
  return { code, lines };
};
const history = (dir: string, n: number) =>
  Array.from({ length: n }, (_, i) =>
    parseTufRoot(readFileSync(join(dir, 'roots', `${i + 1}.root.json`))),
  );

describe('signet tuf', () => {
  const tempDir = tempDirs();

  it('init writes encrypted keys and a self-signed 1.root.json naming the online key, and prints the settings', async () => {
    const dir = join(tempDir('tuf'), 'tuf');
    const { code, lines } = await run(['init', '--out', dir, '--days', '30']);
    expect(code).toBe(0);
    expect(lines).toEqual([
      `wrote a new passphrase to ${join(dir, 'passphrase')}; keep it secret`,
      `CA_TUF_KEY=${join(dir, 'online-key.pem')}`,
      `CA_TUF_KEY_PASSPHRASE_FILE=${join(dir, 'passphrase')}`,
      `CA_TUF_ROOT_DIR=${join(dir, 'roots')}`,
      `move ${join(dir, 'root-key.pem')} offline; clients start from ${join(dir, 'roots', '1.root.json')}`,
    ]);
    for (const f of ['root-key.pem', 'online-key.pem', 'passphrase']) {
      expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    }
    const [root] = history(dir, 1);
    verifyTufRootHistory([root!]);
    const online = await FileSigner.load(join(dir, 'online-key.pem'), {
      file: join(dir, 'passphrase'),
    });
    expect(root!.signed.roles.timestamp!.keyIDs).toEqual([tufKeyOf(online.publicKey).keyID]);
    const days = (new Date(root!.signed.expires).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
  });

  it('root signs the next version, and a root key change with the previous key too', async () => {
    const dir = tempDir('tuf');
    await run(['init', '--out', dir]);
    const common = ['--out', dir, '--online-public-key', join(dir, 'online-key.pub.pem')];
    expect((await run(['root', ...common, '--root-key', join(dir, 'root-key.pem')])).code).toBe(0);
    // A new root key (here: the online key file, for brevity) needs the old one's signature.
    await expect(
      run(['root', ...common, '--root-key', join(dir, 'online-key.pem')]),
    ).rejects.toThrow(/^3\.root\.json is not signed by the root keys of version 2/);
    const rotated = await run([
      'root',
      ...common,
      '--root-key',
      join(dir, 'online-key.pem'),
      '--previous-root-key',
      join(dir, 'root-key.pem'),
    ]);
    expect(rotated.lines[0]).toMatch(/^wrote .*3\.root\.json \(expires /);
    expect(() => verifyTufRootHistory(history(dir, 3))).not.toThrow();
  });

  it('refuses to extend a history that does not verify, and bad usage', async () => {
    const dir = tempDir('tuf');
    await run(['init', '--out', dir]);
    const file = join(dir, 'roots', '1.root.json');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/"expires":"[^"]+"/, '"expires":"2099-01-01T00:00:00Z"'),
    );
    await expect(
      run([
        'root',
        '--out',
        dir,
        '--root-key',
        join(dir, 'root-key.pem'),
        '--online-public-key',
        join(dir, 'online-key.pub.pem'),
      ]),
    ).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
    await expect(run(['root', '--out', dir])).rejects.toThrow(
      usageError('tuf root needs --root-key and --online-public-key'),
    );
    await expect(run(['init', '--out', dir, '--days', '0'])).rejects.toThrow(
      '--days must be an integer from 1 to 3650',
    );
    await expect(run(['sign'])).rejects.toThrow(
      'unknown tuf command "sign" (expected init or root)',
    );
    expect((await run([])).lines[0]).toMatch(/^signet tuf: /);
  });
});
