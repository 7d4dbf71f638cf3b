/* Postgres servers of a suite's own that it may kill: the devkit's embedded Postgres, and Debian's
   system binaries run as a private cluster in a temp dir (never the machine's service on 5432).
   Both listen on 127.0.0.1 only, on a port that stays the same across restarts. */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type EmbeddedPostgres,
  freePort,
  killPostmaster,
  startEmbeddedPostgres,
} from '@app/devkit';
import { makeTempDir, removeTempDir } from './temp-dir';

export type PostgresKind = 'embedded' | 'system';

/** A Postgres server to crash: SIGKILL its postmaster, start it again on the same data dir. */
export interface CrashablePostgres {
  readonly kind: PostgresKind;
  /** URL of the maintenance database `postgres`, as the cluster's superuser. */
  readonly adminUrl: string;
  /** SIGKILLs the postmaster; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts the server again on the same data dir and port (crash recovery); retries while the
   *  killed server's backends still hold its shared memory. */
  restart(): Promise<void>;
  /** Stops the server (fast shutdown) and removes its data dir. */
  close(): Promise<void>;
}

/** Starts a Postgres server of `kind` in a fresh temp dir. */
export function startCrashablePostgres(kind: PostgresKind): Promise<CrashablePostgres> {
  return kind === 'embedded' ? startEmbedded() : startSystem();
}

async function retried(start: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      // "pre-existing shared memory block is still in use": the killed backends are exiting.
      if (attempt >= 40) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function startEmbedded(): Promise<CrashablePostgres> {
  const dataDir = makeTempDir('crash-pg');
  const opts = { dataDir, port: await freePort(), database: 'postgres' };
  let server: EmbeddedPostgres = await startEmbeddedPostgres(opts);
  return {
    kind: 'embedded',
    adminUrl: server.adminUrl,
    kill: () => server.kill(),
    restart: () =>
      retried(async () => {
        server = await startEmbeddedPostgres(opts);
      }),
    close: async () => {
      await server.stop();
      removeTempDir(dataDir);
    },
  };
}

/** The bin dir of the newest Debian PostgreSQL major (tools/system/packages.js installs one). */
function systemBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => /^\d+$/.test(d)) : [];
  const dir = majors
    .sort((a, b) => Number(b) - Number(a))
    .map((m) => join(root, m, 'bin'))
    .find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'postgres')));
  if (dir === undefined) throw new Error('no PostgreSQL server: apt-get install postgresql');
  return dir;
}

async function startSystem(): Promise<CrashablePostgres> {
  const bin = systemBinDir();
  const dataDir = makeTempDir('crash-syspg');
  const clusterDir = join(dataDir, 'cluster');
  const port = await freePort();
  const password = randomBytes(18).toString('base64url');
  // Postgres refuses to run as root: as root, the cluster belongs to the `postgres` system user
  // (the Debian package creates it), as the embedded launcher does.
  const root = process.getuid?.() === 0;
  const ids = root
    ? {
        uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
        gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
      }
    : {};
  mkdirSync(clusterDir, { mode: 0o700 });
  const pwfile = join(dataDir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (root) {
    chmodSync(dataDir, 0o711);
    chownSync(clusterDir, ids.uid!, ids.gid!);
    chownSync(pwfile, ids.uid!, ids.gid!);
  }
  const env = { PATH: process.env.PATH, LC_ALL: 'C', LANG: 'C' };
  execFileSync(
    join(bin, 'initdb'),
    [
      `--pgdata=${clusterDir}`,
      '--auth=scram-sha-256',
      '--username=signet',
      `--pwfile=${pwfile}`,
      '--encoding=UTF8',
      '--no-instructions',
    ],
    { ...ids, env, stdio: 'pipe' },
  );
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(
        join(bin, 'postgres'),
        ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'].concat([
          '-c',
          'unix_socket_directories=',
        ]),
        { ...ids, env, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let log = '';
      child.stderr.on('data', (d: Buffer) => {
        log += d.toString();
        if (log.includes('database system is ready to accept connections')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`postgres exited (${code}):\n${log}`)));
      stopping = () =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.on('exit', () => done());
          child.kill('SIGINT');
        });
    });
  let stopping: () => Promise<void> = () => Promise.resolve();
  await start();
  return {
    kind: 'system',
    adminUrl: `postgres://signet:${password}@127.0.0.1:${port}/postgres`,
    kill: () => killPostmaster(clusterDir),
    restart: () => retried(start),
    close: async () => {
      await stopping();
      removeTempDir(dataDir);
    },
  };
}
