import type { ClientBase } from 'pg';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';

export interface DataSourceSettings {
  url: string;
  poolSize?: number;
  applicationName: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * TypeORM options for Signet: never `synchronize`, never implicit migrations; the schema comes
 * only from the reviewed files in `migrations/`, applied by {@link runMigrations}.
 */
export function dataSourceOptions(s: DataSourceSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: s.url,
    entities: s.entities,
    migrations: s.migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    logging: false,
    extra: {
      max: s.poolSize ?? 10,
      application_name: s.applicationName,
      onConnect: listenForConnectionErrors,
    },
  };
}

/**
 * pg-pool's `onConnect` hook: gives each new connection an error listener for its whole life.
 * pg-pool listens only while a connection is idle and TypeORM only once its query runner has it,
 * a promise tick later; when Postgres dies as a connection finishes its startup, ReadyForQuery
 * and the backend's FATAL arrive in one read, the FATAL lands in between, and an 'error' event
 * with no listener would end the process. The pool still drops the connection, and whatever runs
 * on it fails where it runs, so nothing is lost by ignoring the event here.
 */
function listenForConnectionErrors(client: ClientBase): void {
  client.on('error', () => undefined);
}

/** Arbitrary but fixed key of the advisory lock that serialises migration runs across processes. */
const MIGRATION_LOCK = 5_170_221_901;

/**
 * Applies pending migrations while holding a Postgres advisory lock, so that several processes
 * starting at once against one database never race. Returns the names of the migrations applied.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

/** The migrations of `dataSource` not recorded in its `migrations` table (all, without one). */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  let applied: Set<string>;
  try {
    const rows = await dataSource.query<Array<{ name: string }>>('SELECT name FROM "migrations"');
    applied = new Set(rows.map((r) => r.name));
  } catch (err) {
    if ((err as { code?: string }).code !== '42P01') throw err;
    applied = new Set();
  }
  return dataSource.migrations.map((m) => m.name!).filter((name) => !applied.has(name));
}

/**
 * At an app's start: applies pending migrations when the app's role may change the schema (a
 * development database, where one role does everything); otherwise (the app runs as its own
 * least-privilege role, README: Database roles) checks that none is pending and refuses to start
 * if one is, naming them and how to apply them.
 */
export async function migrateOrCheck(dataSource: DataSource): Promise<string[]> {
  const [row] = await dataSource.query<Array<{ can: boolean; role: string }>>(
    "SELECT has_schema_privilege(current_user, 'public', 'CREATE') AS can, current_user AS role",
  );
  if (row!.can) return runMigrations(dataSource);
  const pending = await pendingMigrations(dataSource);
  if (pending.length > 0) {
    throw new Error(
      `the database schema is behind this version (not applied: ${pending.join(', ')}), and role ${row!.role} may not change it: apply them with the migration role (npm run db:migrate)`,
    );
  }
  return [];
}

/**
 * The SQL TypeORM would need to make the database match the entities, after migrations.
 * Empty when entities and migrations agree (what `migration:generate --check` tests).
 */
export async function schemaDrift(dataSource: DataSource): Promise<string[]> {
  const log = await dataSource.driver.createSchemaBuilder().log();
  return log.upQueries.map((q) => q.query);
}
