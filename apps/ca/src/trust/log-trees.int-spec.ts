import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ConfigError, dataSourceOptions, type SignetConfig } from '@app/platform';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import { tempDirs } from '@app/testing/temp-dir';
import { LogTreesRepository } from './log-trees.repository';
import { LogTrees, readLogKeyPins } from './log-trees';

const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'der' });
const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }) as string;

/**
 * M5: `log_tree` is written by the log's role, so a row someone else put there (a bug in the log,
 * a stolen database login) must not reach the trusted root, TUF or the SCT check: with
 * CA_LOG_PUBLIC_KEYS, only rows with a pinned key are published.
 */
describe(LogTrees.name, () => {
  const tempDir = tempDirs();
  let db: TestDatabase;
  let dataSource: DataSource;
  const logKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const ctKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  const attackerKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Rows written as the database owner, as a bug or a stolen login could: the attacker's is
    // a retired-looking artifact tree (active=false, never frozen), open-ended in the trusted root.
    let id = 1;
    for (const [purpose, key, active] of [
      ['artifact', logKey, true],
      ['ct', ctKey, true],
      ['artifact', attackerKey, false],
      ['ct', attackerKey, false],
    ] as const) {
      const der = spki(key);
      await db.query(
        `INSERT INTO log_tree (id, purpose, origin, active, public_key, log_id, index_offset)
         VALUES ($1, $2, $3, $4, $5, $6, 0)`,
        [id++, purpose, `origin-${id}`, active, der, createHash('sha256').update(der).digest()],
      );
    }
    dataSource = await new DataSource(
      dataSourceOptions({
        url: await db.appUrl('signet_ca'),
        applicationName: 'signet-test-log-trees',
        entities: [],
        migrations: [],
      }),
    ).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const config = (file: string | undefined, allowed = true) =>
    ({
      ca: { logPublicKeysFile: file },
      developmentKeys: { allowed, reason: allowed ? 'development' : 'NODE_ENV is production' },
    }) as unknown as SignetConfig;
  const keysOf = async (trees: LogTrees) =>
    (await trees.all()).map(
      (t) => `${t.purpose}:${t.publicKey.equals(spki(attackerKey)) ? 'attacker' : 'pinned'}`,
    );

  it('publishes only the rows whose key CA_LOG_PUBLIC_KEYS pins', async () => {
    const file = join(tempDir('log-keys'), 'log-keys.pem');
    writeFileSync(file, `${pem(logKey)}\n${pem(ctKey)}`);
    const trees = new LogTrees(new LogTreesRepository(dataSource), readLogKeyPins(config(file)));
    expect(await keysOf(trees)).toEqual(['artifact:pinned', 'ct:pinned']);
    expect(await trees.currentCtKeys()).toEqual([spki(ctKey)]);
  });

  it('without pins (development) publishes every row, the attacker’s included', async () => {
    const trees = new LogTrees(
      new LogTreesRepository(dataSource),
      readLogKeyPins(config(undefined)),
    );
    expect(await keysOf(trees)).toEqual([
      'artifact:pinned',
      'ct:pinned',
      'artifact:attacker',
      'ct:attacker',
    ]);
  });

  it('is required where development keys are not, and a file without keys is refused', () => {
    expect(() => readLogKeyPins(config(undefined, false))).toThrow(
      "CA_LOG_PUBLIC_KEYS: required (NODE_ENV is production, so the log's tree keys are not trusted from the database alone; set SIGNET_DEVELOPMENT_KEYS=true only on a machine of your own)",
    );
    const dir = tempDir('log-keys');
    writeFileSync(
      join(dir, 'cert.pem'),
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    );
    expect(() => readLogKeyPins(config(join(dir, 'cert.pem')))).toThrow(
      new ConfigError([
        `CA_LOG_PUBLIC_KEYS: ${join(dir, 'cert.pem')} holds no PEM "PUBLIC KEY" block`,
      ]),
    );
    expect(() => readLogKeyPins(config(join(dir, 'missing.pem')))).toThrow(
      `CA_LOG_PUBLIC_KEYS: cannot read ${join(dir, 'missing.pem')}`,
    );
  });
});
