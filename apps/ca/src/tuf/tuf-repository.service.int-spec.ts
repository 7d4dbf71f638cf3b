import { Logger } from '@nestjs/common';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ConfigError, dataSourceOptions, loadConfig } from '@app/platform';
import { parseTufRoot, verifyTufRootHistory } from '@app/signing';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import { signet } from '@app/testing/signet-cli';
import { tempDirs } from '@app/testing/temp-dir';
import type { TrustedRootService } from '../trust/trusted-root.service';
import { openTufKeys } from './tuf-keys';
import { TufTargetsVersionRepository } from './tuf-targets-version.repository';
import {
  SIGNING_CONFIG_TARGET,
  TRUSTED_ROOT_TARGET,
  TufRepositoryService,
} from './tuf-repository.service';

describe(TufRepositoryService.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let dataDir: string;
  const tempDir = tempDirs();
  let content: object;
  let signingConfig: object;
  const trustOf = (root: () => object) =>
    ({
      trustedRoot: () => Promise.resolve(root()),
      signingConfig: () => Promise.resolve(signingConfig),
    }) as unknown as TrustedRootService;
  const trust = trustOf(() => content);
  /** A CA process: its own service instance over the shared database and data directory. */
  const boot = async (env: Record<string, string> = {}) => {
    const config = loadConfig({ DATABASE_URL: db.url, SIGNET_DATA_DIR: dataDir, ...env });
    return new TufRepositoryService(
      config,
      new TufTargetsVersionRepository(dataSource),
      trust,
      await openTufKeys(config),
    );
  };
  /** What a client reads: timestamp → snapshot → targets → the target, by version and hash. */
  const walk = async (service: TufRepositoryService) => {
    const timestamp = JSON.parse((await service.timestamp()).toString()) as {
      signed: { version: number; meta: Record<string, { version: number }> };
    };
    const version = timestamp.signed.meta['snapshot.json']!.version;
    const snapshot = JSON.parse((await service.snapshot(version)).toString()) as {
      signed: { meta: Record<string, { version: number }> };
    };
    expect(snapshot.signed.meta['targets.json']!.version).toBe(version);
    const targets = JSON.parse((await service.targets(version)).toString()) as {
      signed: { targets: Record<string, { hashes: { sha256: string }; length: number }> };
    };
    expect(Object.keys(targets.signed.targets).sort()).toEqual([
      SIGNING_CONFIG_TARGET,
      TRUSTED_ROOT_TARGET,
    ]);
    const read = async (name: string) => {
      const file = targets.signed.targets[name]!;
      const bytes = await service.target(file.hashes.sha256, name);
      expect(bytes.length).toBe(file.length);
      return JSON.parse(bytes.toString()) as object;
    };
    return {
      version,
      timestampVersion: timestamp.signed.version,
      target: await read(TRUSTED_ROOT_TARGET),
      signingConfig: await read(SIGNING_CONFIG_TARGET),
    };
  };
  const versionRows = () =>
    db.query<{ version: number }>('SELECT version FROM tuf_targets_version ORDER BY version');

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(
      dataSourceOptions({
        url: db.url,
        applicationName: 'signet-test-tuf',
        entities: [],
        migrations: [],
      }),
    ).initialize();
    dataDir = tempDir('tuf-repo');
    content = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [] };
    signingConfig = { mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json' };
  });
  afterEach(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('publishes the trusted root under one version that every CA process agrees on', async () => {
    const first = await boot();
    const second = await boot();
    expect(second.root(1)).toEqual(first.root(1)); // one development root, created once
    verifyTufRootHistory([parseTufRoot(first.root(1))]);
    const a = await walk(first);
    const b = await walk(second);
    expect(a).toMatchObject({ version: 1, target: content, signingConfig });
    expect(b.version).toBe(1);
    expect(await versionRows()).toEqual([{ version: 1 }]);
    await expect(first.targets(2)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'no TUF targets version 2 (current: 1)',
    });
    await expect(first.target('0'.repeat(64), TRUSTED_ROOT_TARGET)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // A target's hash under another target's name is no target.
    const targets = JSON.parse((await first.targets(1)).toString()) as {
      signed: { targets: Record<string, { hashes: { sha256: string } }> };
    };
    const rootHash = targets.signed.targets[TRUSTED_ROOT_TARGET]!.hashes.sha256;
    await expect(first.target(rootHash, SIGNING_CONFIG_TARGET)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `no TUF target ${rootHash}.${SIGNING_CONFIG_TARGET}`,
    });
    expect(() => first.root(2)).toThrow('no TUF root version 2');
  });

  it('moves to the next version when the trusted root changes, with a newer timestamp', async () => {
    const before = await walk(await boot());
    content = { ...content, tlogs: [{ baseUrl: 'https://log.example' }] };
    const after = await walk(await boot());
    expect(after.version).toBe(before.version + 1);
    expect(after.timestampVersion).toBeGreaterThanOrEqual(before.timestampVersion);
    expect(after.target).toEqual(content);
    expect(await versionRows()).toEqual([{ version: 1 }, { version: 2 }]);
    // Changing back is a change too: versions never go back.
    content = { ...content, tlogs: [] };
    expect((await walk(await boot())).version).toBe(3);
  });

  it('has every process sign the same timestamp version within an hour, a higher one after (L5a)', async () => {
    const hour = Date.UTC(2026, 11, 2, 15, 0, 0);
    const clock = jest.spyOn(Date, 'now');
    try {
      clock.mockReturnValue(hour + 60_000);
      const a = await walk(await boot());
      // Another process, asked later in the same hour: a client reading one then the other must
      // never see the timestamp version go back.
      clock.mockReturnValue(hour + 59 * 60_000);
      const b = await walk(await boot());
      expect(b.timestampVersion).toBe(a.timestampVersion);
      clock.mockReturnValue(hour + 61 * 60_000);
      const c = await walk(await boot());
      expect(c.timestampVersion).toBeGreaterThan(b.timestampVersion);
    } finally {
      clock.mockRestore();
    }
  });

  it('moves to the next version when only the signing config changes', async () => {
    const before = await walk(await boot());
    signingConfig = { ...signingConfig, rekorTlogUrls: [{ url: 'https://log.example' }] };
    const after = await walk(await boot());
    expect(after.version).toBe(before.version + 1);
    expect(after).toMatchObject({ target: content, signingConfig });
    expect(await versionRows()).toEqual([{ version: 1 }, { version: 2 }]);
  });

  it('lets racing processes with different trusted roots each take their own next version', async () => {
    await walk(await boot());
    const processWith = async (root: object) => {
      const config = loadConfig({ DATABASE_URL: db.url, SIGNET_DATA_DIR: dataDir });
      return new TufRepositoryService(
        config,
        new TufTargetsVersionRepository(dataSource),
        trustOf(() => root),
        await openTufKeys(config),
      );
    };
    const [x, y] = [await processWith({ ctlogs: ['x'] }), await processWith({ ctlogs: ['y'] })];
    const [rx, ry] = await Promise.all([walk(x), walk(y)]);
    expect(new Set([rx.version, ry.version])).toEqual(new Set([2, 3]));
    expect(await versionRows()).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
  });

  it('runs on a root history signed offline by signet tuf init and refuses broken ones at boot', async () => {
    const dir = join(dataDir, 'offline');
    await signet(['tuf', 'init', '--out', dir]);
    const env = {
      CA_TUF_KEY: join(dir, 'online-key.pem'),
      CA_TUF_KEY_PASSPHRASE_FILE: join(dir, 'passphrase'),
      CA_TUF_ROOT_DIR: join(dir, 'roots'),
    };
    const service = await boot(env);
    expect(service.latestRoot()).toEqual(readFileSync(join(dir, 'roots', '1.root.json')));
    expect((await walk(service)).target).toEqual(content);

    // An online key the root does not list.
    await signet(['tuf', 'init', '--out', join(dataDir, 'other')]);
    await expect(
      boot({
        ...env,
        CA_TUF_KEY: join(dataDir, 'other', 'online-key.pem'),
        CA_TUF_KEY_PASSPHRASE_FILE: join(dataDir, 'other', 'passphrase'),
      }),
    ).rejects.toThrow(
      /1\.root\.json does not list the CA_TUF_KEY key \([0-9a-f]{64}\) for the targets role/,
    );
    // A root whose signed part was altered.
    const file = join(dir, 'roots', '1.root.json');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/"expires":"[^"]+"/, '"expires":"2099-01-01T00:00:00Z"'),
    );
    await expect(boot(env)).rejects.toThrow(ConfigError);
    await expect(boot(env)).rejects.toThrow(
      /1\.root\.json is not signed by the root keys of version 1/,
    );
    // No root at all.
    await expect(boot({ ...env, CA_TUF_ROOT_DIR: join(dataDir, 'empty') })).rejects.toThrow(
      /CA_TUF_ROOT_DIR: cannot read/,
    );
  });

  it('refuses an expired root', async () => {
    const dir = join(dataDir, 'offline');
    await signet(['tuf', 'init', '--out', dir, '--days', '1']);
    const realNow = Date.now;
    Date.now = () => realNow() + 2 * 86_400_000;
    try {
      await expect(
        boot({
          CA_TUF_KEY: join(dir, 'online-key.pem'),
          CA_TUF_KEY_PASSPHRASE_FILE: join(dir, 'passphrase'),
          CA_TUF_ROOT_DIR: join(dir, 'roots'),
        }),
      ).rejects.toThrow(/1\.root\.json expired at .*; sign a new root with `signet tuf root`/);
    } finally {
      Date.now = realNow;
    }
  });
});
