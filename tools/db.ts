/* Applies migrations (`npm run db:migrate`), checks that entities and migrations agree
   (`npm run db:check`), or audits stored data (`npm run db:audit`: entries too large for C2SP
   entry bundles). Uses DATABASE_URL, or the embedded Postgres under SIGNET_DATA_DIR. */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { configOrExit, dataSourceOptions, runMigrations, schemaDrift } from '@app/platform';
import { startEmbeddedPostgres } from '@app/devkit';
import { MAX_ENTRY_SIZE } from '@app/merkle';
import { caEntities, logEntities, oversizedEntries } from '@app/schema';
import { migrations } from '@app/migrations';

async function main(command: string | undefined): Promise<number> {
  if (command !== 'migrate' && command !== 'check' && command !== 'audit') {
    process.stderr.write('usage: db.js migrate|check|audit\n');
    return 2;
  }
  const config = configOrExit();
  const embedded =
    config.databaseUrl === undefined
      ? await startEmbeddedPostgres({
          dataDir: config.dataDir,
          port: config.embeddedPostgresPort,
          database: 'signet',
        })
      : undefined;
  const url = config.databaseUrl ?? embedded!.url;
  try {
    return command === 'migrate'
      ? await migrate(url)
      : command === 'check'
        ? await check(url)
        : await audit(url);
  } finally {
    await embedded?.stop();
  }
}

async function migrate(url: string): Promise<number> {
  const ds = await open(url);
  try {
    const applied = await runMigrations(ds);
    process.stdout.write(
      applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n',
    );
    return 0;
  } finally {
    await ds.destroy();
  }
}

/** Applies every migration to a scratch database, then asks TypeORM what it would still change. */
async function check(url: string): Promise<number> {
  const scratch = `signet_drift_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${scratch}`);
  const scratchUrl = new URL(url);
  scratchUrl.pathname = `/${scratch}`;
  try {
    const ds = await open(scratchUrl.toString());
    try {
      await runMigrations(ds);
      const drift = await schemaDrift(ds);
      if (drift.length === 0) {
        process.stdout.write('entities and migrations agree\n');
        return 0;
      }
      process.stderr.write(
        `entities and migrations disagree; a migration would need:\n${drift.join(';\n')};\n`,
      );
      return 1;
    } finally {
      await ds.destroy();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    await admin.end();
  }
}

/** Lists every stored entry too large for a C2SP entry bundle; exit 1 when there is one. */
async function audit(url: string): Promise<number> {
  const ds = await open(url);
  try {
    const found = await oversizedEntries(ds, MAX_ENTRY_SIZE);
    for (const e of found) {
      process.stderr.write(
        `tree ${e.treeId} entry ${e.leafIndex}: canonical body of ${e.bytes} bytes, over the ${MAX_ENTRY_SIZE} a C2SP entry bundle holds (its tile/entries cannot be served)\n`,
      );
    }
    process.stdout.write(
      found.length === 0
        ? `every stored entry fits a C2SP entry bundle (at most ${MAX_ENTRY_SIZE} bytes)\n`
        : `${found.length} stored entries are too large for a C2SP entry bundle\n`,
    );
    return found.length === 0 ? 0 : 1;
  } finally {
    await ds.destroy();
  }
}

function open(url: string): Promise<DataSource> {
  return new DataSource(
    dataSourceOptions({
      url,
      applicationName: 'signet-migrations',
      entities: [...caEntities, ...logEntities],
      migrations,
    }),
  ).initialize();
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
