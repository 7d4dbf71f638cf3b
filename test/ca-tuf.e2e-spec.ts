import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Updater } from 'tuf-js';
import { parseTufRoot } from '@app/signing';
import { CaModule } from '../apps/ca/src/app.module';
import { openTufKeys } from '../apps/ca/src/tuf/tuf-keys';
import { tuf } from '../apps/cli/src/tuf/tuf-root';
import { bootApp, testConfig } from './support/apps';
import { caFixture, type CaFixture } from './support/ca-fixtures';
import { createTestDatabase, type TestDatabase } from './support/database';
import { tempDirs } from './support/temp-dir';

/** `signet tuf ...`, as an operator runs it; its output is not needed here. */
const signetTuf = (argv: string[]) => tuf(argv, () => undefined);

describe("the CA's TUF repository under k-of-n root keys (L5c)", () => {
  const tempDir = tempDirs(afterAll);
  let db: TestDatabase;
  let fx: CaFixture;
  let app: NestExpressApplication;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    dir = tempDir('tuf-e2e');
    const holders = join(dir, 'new-holders');
    await signetTuf(['init', '--out', dir, '--root-keys', '3', '--root-threshold', '2']);
    // The root keys change hands: a draft lists three new keys, and two old and two new holders
    // sign it, each in turn with a passphrase of their own.
    await signetTuf(['init', '--out', holders, '--root-keys', '3', '--root-threshold', '2']);
    await signetTuf([
      'root',
      '--out',
      dir,
      '--draft',
      '--online-public-key',
      join(dir, 'online-key.pub.pem'),
      ...[1, 2, 3].flatMap((i) => ['--root-public-key', join(holders, `root-${i}-key.pub.pem`)]),
    ]);
    for (const [key, passphrase] of [
      [join(dir, 'root-1-key.pem'), join(dir, 'passphrase')],
      [join(dir, 'root-3-key.pem'), join(dir, 'passphrase')],
      [join(holders, 'root-2-key.pem'), join(holders, 'passphrase')],
      [join(holders, 'root-3-key.pem'), join(holders, 'passphrase')],
    ]) {
      await signetTuf([
        'root',
        'sign',
        '--out',
        dir,
        '--root-key',
        key!,
        '--passphrase-file',
        passphrase!,
      ]);
    }
    // And a renewal by two of the new holders.
    await signetTuf([
      'root',
      '--out',
      dir,
      '--online-public-key',
      join(dir, 'online-key.pub.pem'),
      '--passphrase-file',
      join(holders, 'passphrase'),
      '--root-key',
      join(holders, 'root-1-key.pem'),
      '--root-key',
      join(holders, 'root-2-key.pem'),
      '--root-public-key',
      join(holders, 'root-3-key.pub.pem'),
    ]);

    db = await createTestDatabase();
    fx = await caFixture([], {
      CA_TUF_KEY: join(dir, 'online-key.pem'),
      CA_TUF_KEY_PASSPHRASE_FILE: join(dir, 'passphrase'),
      CA_TUF_ROOT_DIR: join(dir, 'roots'),
    });
    app = await bootApp(CaModule.forRoot(testConfig(db.url, fx.env)));
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
    await fx?.close();
    await db?.drop();
  });

  it('lets tuf-js, holding only 1.root.json, follow the 2-of-3 rotation to the newest root and its targets', async () => {
    const metadataDir = join(dir, 'client');
    mkdirSync(metadataDir);
    writeFileSync(join(metadataDir, 'root.json'), readFileSync(join(dir, 'roots', '1.root.json')));
    const updater = new Updater({
      metadataDir,
      metadataBaseUrl: `${url}/tuf`,
      targetDir: metadataDir,
      targetBaseUrl: `${url}/tuf/targets`,
    });
    await updater.refresh();
    // tuf-js keeps the newest root it verified as root.json.
    const trusted = parseTufRoot(readFileSync(join(metadataDir, 'root.json')));
    expect(trusted.signed.version).toBe(3);
    expect(readFileSync(join(metadataDir, 'root.json'))).toEqual(
      readFileSync(join(dir, 'roots', '3.root.json')),
    );
    expect(trusted.signed.roles.root!.threshold).toBe(2);
    const info = await updater.getTargetInfo('trusted_root.json');
    expect(info).toBeDefined();
    const target = JSON.parse(readFileSync(await updater.downloadTarget(info!), 'utf8')) as unknown;
    expect(target).toEqual(await (await fetch(`${url}/api/v1/trustedRoot`)).json());
  });

  it('refuses to boot on a root that fewer than 2 root keys signed, naming it and the count', async () => {
    const roots = join(dir, 'one-signature-short');
    mkdirSync(roots);
    for (const v of [1, 2]) {
      copyFileSync(join(dir, 'roots', `${v}.root.json`), join(roots, `${v}.root.json`));
    }
    const third = JSON.parse(readFileSync(join(dir, 'roots', '3.root.json'), 'utf8')) as {
      signatures: unknown[];
    };
    third.signatures = third.signatures.slice(1);
    writeFileSync(join(roots, '3.root.json'), JSON.stringify(third));
    // What the CA's composition root runs before any module starts.
    await expect(
      openTufKeys(testConfig(db.url, { ...fx.env, CA_TUF_ROOT_DIR: roots })),
    ).rejects.toMatchObject({
      problems: [
        'CA_TUF_ROOT_DIR: 3.root.json is not signed by the root keys of version 2: root was signed by 1/2 keys',
      ],
    });
  });
});
