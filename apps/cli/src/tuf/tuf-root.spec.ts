import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FileSigner,
  parsePublicKey,
  parseTufRoot,
  tufKeyOf,
  verifyTufRootHistory,
} from '@app/signing';
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
      usageError(
        'tuf root needs --online-public-key and the keys the new root lists (--root-key or --root-public-key)',
      ),
    );
    await expect(run(['init', '--out', dir, '--days', '0'])).rejects.toThrow(
      '--days must be an integer from 1 to 3650',
    );
    await expect(run(['sign'])).rejects.toThrow(
      'unknown tuf command "sign" (expected init or root)',
    );
    expect((await run([])).lines[0]).toMatch(/^signet tuf: /);
  });

  describe('k of n root keys (L5c)', () => {
    /** The key id of the public key in `file`. */
    const idOf = (file: string) => tufKeyOf(parsePublicKey(readFileSync(file, 'utf8'))).keyID;
    /** Every file under `dir` with its bytes: what a refused command must leave as it was. */
    const files = (dir: string): Record<string, string> =>
      Object.fromEntries(
        readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => {
            const path = join(e.parentPath, e.name);
            return [path, readFileSync(path, 'base64')];
          }),
      );

    it('init --root-keys 3 --root-threshold 2 writes three root keys and a 1.root.json with threshold 2 signed by all three', async () => {
      const dir = tempDir('tuf');
      const { lines } = await run([
        'init',
        '--out',
        dir,
        '--root-keys',
        '3',
        '--root-threshold',
        '2',
      ]);
      const keyFiles = [1, 2, 3].map((i) => join(dir, `root-${i}-key.pem`));
      expect(lines.slice(1)).toEqual([
        `CA_TUF_KEY=${join(dir, 'online-key.pem')}`,
        `CA_TUF_KEY_PASSPHRASE_FILE=${join(dir, 'passphrase')}`,
        `CA_TUF_ROOT_DIR=${join(dir, 'roots')}`,
        `move ${keyFiles.join(', ')} offline, each to its own holder: any 2 of them sign the next root; clients start from ${join(dir, 'roots', '1.root.json')}`,
      ]);
      for (const f of keyFiles) expect(statSync(f).mode & 0o777).toBe(0o600);
      const ids = [1, 2, 3].map((i) => idOf(join(dir, `root-${i}-key.pub.pem`)));
      const [root] = history(dir, 1);
      expect(root!.signed.roles.root).toMatchObject({ keyIDs: ids, threshold: 2 });
      expect(Object.keys(root!.signatures).sort()).toEqual([...ids].sort());
      verifyTufRootHistory([root!]);
    });

    it('renews a 2-of-3 root at once when two holders sign, and refuses one alone, writing nothing', async () => {
      const dir = tempDir('tuf');
      await run(['init', '--out', dir, '--root-keys', '3', '--root-threshold', '2']);
      const common = ['--out', dir, '--online-public-key', join(dir, 'online-key.pub.pem')];
      const before = files(dir);
      await expect(
        run([
          'root',
          ...common,
          '--root-key',
          join(dir, 'root-1-key.pem'),
          '--root-public-key',
          join(dir, 'root-2-key.pub.pem'),
          '--root-public-key',
          join(dir, 'root-3-key.pub.pem'),
        ]),
      ).rejects.toMatchObject({
        code: 'INVALID_SIGNATURE',
        message:
          '2.root.json is not signed by the root keys of version 1: root was signed by 1/2 keys',
      });
      // Fewer keys than the current threshold, unless a threshold is given.
      await expect(
        run(['root', ...common, '--root-key', join(dir, 'root-1-key.pem')]),
      ).rejects.toThrow(
        usageError(
          'the new root lists 1 root keys, fewer than the current threshold 2: give --root-threshold',
        ),
      );
      expect(files(dir)).toEqual(before);
      const renewed = await run([
        'root',
        ...common,
        '--root-key',
        join(dir, 'root-1-key.pem'),
        '--root-key',
        join(dir, 'root-3-key.pem'),
        '--root-public-key',
        join(dir, 'root-2-key.pub.pem'),
      ]);
      expect(renewed.lines[0]).toMatch(/^wrote .*\/roots\/2\.root\.json \(expires /);
      const [, second] = history(dir, 2);
      expect(second!.signed.roles.root!.threshold).toBe(2); // the current root's, by default
      expect(new Set(second!.signed.roles.root!.keyIDs)).toEqual(
        new Set([1, 2, 3].map((i) => idOf(join(dir, `root-${i}-key.pub.pem`)))),
      );
    });

    it('rotates 2-of-3 root keys through a draft that each holder signs in turn', async () => {
      const dir = tempDir('tuf');
      const other = tempDir('tuf-new'); // where the new holders' keys come from
      await run(['init', '--out', dir, '--root-keys', '3', '--root-threshold', '2']);
      await run(['init', '--out', other, '--root-keys', '3', '--root-threshold', '2']);
      const oldKey = (i: number) => join(dir, `root-${i}-key.pem`);
      const newKey = (i: number) => join(other, `root-${i}-key.pem`);
      const newIds = [1, 2, 3].map((i) => idOf(join(other, `root-${i}-key.pub.pem`)));
      const draft = join(dir, '2.root.draft.json');
      const made = await run([
        'root',
        '--out',
        dir,
        '--draft',
        '--online-public-key',
        join(dir, 'online-key.pub.pem'),
        ...[1, 2, 3].flatMap((i) => ['--root-public-key', join(other, `root-${i}-key.pub.pem`)]),
      ]);
      expect(made.lines).toEqual([
        expect.stringMatching(new RegExp(`^wrote ${draft}: 2\\.root\\.json: expires \\d{4}-`)),
        "signed by 0/2 of version 1's root keys and 0/2 of its own; the other holders sign it with signet tuf root sign",
      ]);
      expect(made.lines[0]).toContain(`root keys ${newIds.join(', ')} (threshold 2)`);
      // While a draft waits, no other next root is made.
      await expect(
        run([
          'root',
          '--out',
          dir,
          '--online-public-key',
          join(dir, 'online-key.pub.pem'),
          '--root-key',
          oldKey(1),
          '--root-key',
          oldKey(2),
        ]),
      ).rejects.toThrow(
        `${draft} waits for signatures: sign it with signet tuf root sign, or delete it to start again`,
      );

      const sign = (key: string, passphrase: string) =>
        run(['root', 'sign', '--out', dir, '--root-key', key, '--passphrase-file', passphrase]);
      const step = async (key: string, passphrase: string, status: string) => {
        const { lines } = await sign(key, passphrase);
        expect(lines[0]).toMatch(/^signing 2\.root\.json: expires /);
        expect(lines[1]).toBe(`${draft}: signed by ${status}; pass it to the next holder`);
      };
      await step(
        oldKey(1),
        join(dir, 'passphrase'),
        "1/2 of version 1's root keys and 0/2 of its own",
      );
      // A key of neither root, and a second signature by the same key, change nothing.
      const pending = files(dir);
      await expect(sign(join(dir, 'online-key.pem'), join(dir, 'passphrase'))).rejects.toThrow(
        usageError(
          `${join(dir, 'online-key.pem')} is a root key of neither version 1 nor 2: its signature would count for nothing`,
        ),
      );
      expect(files(dir)).toEqual(pending);
      await step(
        oldKey(1),
        join(dir, 'passphrase'),
        "1/2 of version 1's root keys and 0/2 of its own",
      );
      await step(
        oldKey(3),
        join(dir, 'passphrase'),
        "2/2 of version 1's root keys and 0/2 of its own",
      );
      await step(
        newKey(2),
        join(other, 'passphrase'),
        "2/2 of version 1's root keys and 1/2 of its own",
      );
      const done = await sign(newKey(1), join(other, 'passphrase'));
      expect(done.lines[1]).toMatch(
        new RegExp(
          `^wrote ${join(dir, 'roots', '2.root.json')} \\(expires .*\\); restart the CA to publish it$`,
        ),
      );
      expect(readdirSync(dir)).not.toContain('2.root.draft.json');
      const roots = history(dir, 2);
      expect(() => verifyTufRootHistory(roots)).not.toThrow();
      expect(roots[1]!.signed.roles.root).toMatchObject({ keyIDs: newIds, threshold: 2 });
      await expect(sign(newKey(3), join(other, 'passphrase'))).rejects.toThrow(
        usageError(
          `${join(dir, '3.root.draft.json')} does not exist: make the draft with signet tuf root --draft`,
        ),
      );
    });

    it('refuses to sign a draft changed after it was signed, and bad k-of-n usage', async () => {
      const dir = tempDir('tuf');
      await run(['init', '--out', dir, '--root-keys', '3', '--root-threshold', '2']);
      await run([
        'root',
        '--out',
        dir,
        '--draft',
        '--online-public-key',
        join(dir, 'online-key.pub.pem'),
        '--root-key',
        join(dir, 'root-1-key.pem'),
        '--root-public-key',
        join(dir, 'root-2-key.pub.pem'),
      ]);
      const draft = join(dir, '2.root.draft.json');
      // Threshold 2 kept from version 1; the first holder's signature is in the draft.
      expect(parseTufRoot(readFileSync(draft)).signed.roles.root!.threshold).toBe(2);
      writeFileSync(draft, readFileSync(draft, 'utf8').replace(/"threshold":2/, '"threshold":1'));
      const before = files(dir);
      await expect(
        run(['root', 'sign', '--out', dir, '--root-key', join(dir, 'root-2-key.pem')]),
      ).rejects.toThrow(
        usageError(
          `${draft} carries a signature by key ${idOf(join(dir, 'root-1-key.pub.pem'))} that is not a valid signature by one of its root keys or version 1's: it was changed after it was signed; make a new draft`,
        ),
      );
      expect(files(dir)).toEqual(before);

      for (const [argv, message] of [
        [
          ['--root-keys', '3'],
          '--root-keys 3 needs --root-threshold K: how many of them sign a root',
        ],
        [
          ['--root-keys', '3', '--root-threshold', '4'],
          '--root-threshold must be an integer from 1 to 3',
        ],
        [
          ['--root-keys', '21', '--root-threshold', '2'],
          '--root-keys must be an integer from 1 to 20',
        ],
        [
          ['--root-keys', '2.5', '--root-threshold', '2'],
          '--root-keys must be an integer from 1 to 20',
        ],
        [['--root-threshold', '2'], '--root-threshold must be an integer from 1 to 1'],
      ] as const) {
        const fresh = join(tempDir('tuf'), 'tuf');
        await expect(run(['init', '--out', fresh, ...argv])).rejects.toThrow(usageError(message));
        expect(() => readdirSync(fresh)).toThrow(/ENOENT/);
      }
      await expect(
        run(['root', 'sign', '--out', dir, '--root-key', join(dir, 'root-2-key.pem'), '--draft']),
      ).rejects.toThrow(
        usageError('tuf root sign takes --out, --root-key and --passphrase-file, not --draft'),
      );
      await expect(run(['root', 'sign', '--out', dir])).rejects.toThrow(
        usageError('tuf root sign needs --root-key FILE'),
      );
    });
  });
});
