import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';
import { migrations } from '@app/migrations';
import { dataSourceOptions, runMigrations } from '@app/platform';
import { withDatabase } from './state';

export interface TestDatabase {
  /** URL of a fresh database with every migration applied. */
  readonly url: string;
  readonly name: string;
  /** Runs SQL directly (for asserting what is stored, or trying to tamper with it). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * The URL of a login role of this database's own, member of the app role `role` (README:
   * Database roles): an app connected with it can do what that app may, and nothing more.
   */
  appUrl(role: 'signet_ca' | 'signet_log'): Promise<string>;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.SIGNET_TEST_ADMIN_URL;
  if (url === undefined)
    throw new Error('SIGNET_TEST_ADMIN_URL is unset: run this suite through jest (db project)');
  return url;
}

/** Clones the migrated template into a database of this test's own. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `signet_t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.SIGNET_TEST_TEMPLATE}`);
        break;
      } catch (err) {
        // Two clones of one template at the same instant can collide; a retry settles it.
        if (attempt >= 10 || !/being accessed by other users/.test((err as Error).message))
          throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  return openTestDatabase(adminUrl(), name);
}

/**
 * Creates a database on the server at `serverAdminUrl` (a superuser's URL, e.g. of a suite's own
 * Postgres) and applies every migration to it, as the global setup does to the template.
 */
export async function createMigratedDatabase(serverAdminUrl: string): Promise<TestDatabase> {
  const name = `signet_m_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end());
  const ds = await new DataSource(
    dataSourceOptions({
      url: withDatabase(serverAdminUrl, name),
      applicationName: 'signet-test-migrate',
      entities: [],
      migrations,
    }),
  ).initialize();
  await runMigrations(ds);
  await ds.destroy();
  return openTestDatabase(serverAdminUrl, name);
}

function openTestDatabase(serverAdminUrl: string, name: string): TestDatabase {
  const url = withDatabase(serverAdminUrl, name);
  // One connection, as a Client would be, but replaced when it dies: the crash suites kill the
  // server under it.
  const client = new Pool({ connectionString: url, max: 1 });
  client.on('error', () => undefined);
  const logins: string[] = [];
  const appUrls = new Map<string, string>();
  return {
    url,
    name,
    query: async <T>(sql: string, params?: unknown[]) =>
      (await client.query(sql, params)).rows as T[],
    appUrl: async (role) => {
      const known = appUrls.get(role);
      if (known !== undefined) return known;
      // Roles belong to the cluster: named after this database, dropped with it.
      const login = `${name}_${role.replace('signet_', '')}`;
      const password = randomBytes(16).toString('hex');
      await client.query(`CREATE ROLE ${login} LOGIN PASSWORD '${password}' IN ROLE ${role}`);
      logins.push(login);
      const appUrl = new URL(url);
      appUrl.username = login;
      appUrl.password = password;
      appUrls.set(role, appUrl.toString());
      return appUrl.toString();
    },
    drop: async () => {
      // A test may drop its database early (the database gone); the suite's own drop then follows.
      if (!client.ended) await client.end();
      const a = new Client({ connectionString: serverAdminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      for (const login of logins) await a.query(`DROP ROLE IF EXISTS ${login}`);
      await a.end();
    },
  };
}

/** A fresh migrated database, and one migration's `up` or `down` run on it as the CLI would. */
export interface MigrationHarness {
  readonly db: TestDatabase;
  run(migration: MigrationInterface, step: 'up' | 'down'): Promise<void>;
  close(): Promise<void>;
}

export async function openMigrationHarness(): Promise<MigrationHarness> {
  const db = await createTestDatabase();
  const dataSource = await new DataSource(
    dataSourceOptions({
      url: db.url,
      applicationName: 'signet-test-migration',
      entities: [],
      migrations: [],
    }),
  ).initialize();
  return {
    db,
    async run(migration, step) {
      const runner = dataSource.createQueryRunner();
      try {
        await migration[step](runner);
      } finally {
        await runner.release();
      }
    },
    async close() {
      await dataSource.destroy();
      await db.drop();
    },
  };
}
