/* Gives the `db` test project a real Postgres: TEST_DATABASE_URL when set, else an embedded
   server started here. Builds a template database with every migration applied; each test file
   then clones it (test/support/database.ts), so files never share state. */
import { Client } from 'pg';
import { DataSource } from 'typeorm';
// Relative paths: Jest loads globalSetup without its moduleNameMapper, so @app/* aliases fail here.
import { dataSourceOptions, runMigrations } from '../../libs/platform/src/database/data-source';
import { startEmbeddedPostgres } from '../../libs/devkit/src/embedded-postgres';
import { migrations } from '../../migrations';
import globalTeardown from './global-teardown';
import { state, withDatabase } from './state';
import { makeTempDir } from './temp-dir';

export default async function globalSetup(): Promise<void> {
  try {
    await setUp();
  } catch (err) {
    // Jest runs no global teardown after a failed setup: stop and remove what got started.
    await globalTeardown();
    throw err;
  }
}

async function setUp(): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl === undefined || adminUrl === '') {
    state.dataDir = makeTempDir('test-pg');
    const pg = await startEmbeddedPostgres({
      dataDir: state.dataDir,
      port: 0,
      database: 'signet_test',
    });
    state.embedded = pg;
    adminUrl = pg.adminUrl;
  }
  const template = `signet_template_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();

  const ds = await new DataSource(
    dataSourceOptions({
      url: withDatabase(adminUrl, template),
      applicationName: 'signet-test-setup',
      // Migrations alone make the schema; entities would pull in @app/* aliases Jest does not map here.
      entities: [],
      migrations,
    }),
  ).initialize();
  await runMigrations(ds);
  await ds.destroy();

  state.template = template;
  process.env.SIGNET_TEST_ADMIN_URL = adminUrl;
  process.env.SIGNET_TEST_TEMPLATE = template;
}
