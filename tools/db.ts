/* Applies migrations (`npm run db:migrate`) or checks that entities and migrations agree
   (`npm run db:check`). Uses DATABASE_URL, or the embedded Postgres under SIGNET_DATA_DIR. */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { configOrExit, dataSourceOptions, runMigrations, schemaDrift } from '@app/platform';
import { startEmbeddedPostgres } from '@app/devkit';
import { caEntities, logEntities } from '@app/schema';
import { migrations } from '@app/migrations';

async function main(command: string | undefined): Promise<number> {
  if (command !== 'migrate' && command !== 'check') {
    process.stderr.write('usage: db.js migrate|check\n');
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
    return command === 'migrate' ? await migrate(url) : await check(url);
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
