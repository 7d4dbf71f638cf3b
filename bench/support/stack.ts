// The system under test: a fresh embedded Postgres in a temp dir, the built transparency log (or
// several log processes on the one database) and two built CAs (CT off and CT on, or both CT on) as
// separate processes, as `npm start` runs them, and a loopback OIDC issuer with a rule allowing the
// bench identity. `stop()` leaves no process or file behind.
import exitHook from 'async-exit-hook';
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { stringify } from 'yaml';
import {
  builtScript,
  freePort,
  type LocalOidcIssuer,
  startEmbeddedPostgres,
  startOidcIssuer,
} from '@app/devkit';
import { insertApiToken, newApiToken } from '@app/schema';
import { writeEncryptedPrivateKey } from '@app/signing';
import { type CpuCounters, processTreeCpuMs, selfCpuMs } from './cpu';
import { progress } from './figures';

/** The identity every bench token carries, allowed by the bench's one IAM rule. */
export const BENCH_EMAIL = 'bench@signet.example';

/** An ID token for the bench identity, valid for 15 minutes: long runs mint theirs up front. */
export function benchToken(stack: BenchStack, sub = 'bench'): Promise<string> {
  return stack.issuer.mint({ sub, email: BENCH_EMAIL, email_verified: true }, { expiresIn: 900 });
}

/** An admin API token with the editor role, valid for a day, stored in the stack's database. */
export async function benchEditorToken(stack: BenchStack, name: string): Promise<string> {
  const t = newApiToken();
  await insertApiToken(stack.db, {
    id: randomUUID(),
    name,
    role: 'editor',
    sha256: t.sha256,
    last4: t.last4,
    createdBy: { issuer: 'urn:signet:bench', subject: 'bench', display: 'bench' },
    expiresAt: new Date(Date.now() + 24 * 3_600_000),
  });
  return t.token;
}

export interface BenchStack {
  logUrl: string;
  /** Every log process, `logUrl` first (`StackOptions.logProcesses`). */
  logUrls: string[];
  /** The CA with CA_CT_REQUIRED=false (true with `StackOptions.ctOnBothCas`). */
  caUrl: string;
  /** The CA with CA_CT_REQUIRED=true, submitting precertificates to the log. */
  caCtUrl: string;
  /** The loopback OIDC issuer the CAs trust. */
  issuer: LocalOidcIssuer;
  /** Environment of the log process (for in-process code that must agree with it). */
  logEnv: Record<string, string>;
  /** A pool on the stack's database, for counting and sizing. */
  db: Pool;
  /** CPU ms used so far by each app, by Postgres (postmaster and backends) and by this process. */
  cpu: CpuCounters;
  /** Each app process (`transparency-log`, `transparency-log-2`…, `ca`, `ca-ct`) and its log file. */
  apps: Array<{ name: string; pid: number; logFile: string; exited: () => boolean }>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** When set, each app runs under `node --cpu-prof` and writes `<name>.cpuprofile` here on stop. */
  profileDir?: string;
  /** Processes per app (`CA_WORKERS`, `LOG_WORKERS`); 1 when profiling (one profile per app). */
  workers?: number;
  /**
   * `policy.source` of both CAs (default `file`). Either way the CAs log each policy version,
   * signed by a policy key the log allows, as in production.
   */
  policySource?: 'file' | 'database';
  /**
   * Log processes (separate processes, not cluster workers) on the one database, each on its own
   * port behind the first one's LOG_PUBLIC_URL, as several hosts behind a balancer; default 1.
   */
  logProcesses?: number;
  /** Both CAs with CA_CT_REQUIRED=true, the first submitting to the first log, the second to the second. */
  ctOnBothCas?: boolean;
}

interface App {
  name: string;
  child: ChildProcess;
  logFile: string;
}

/** Starts Postgres, the log, then the CT-off and CT-on CAs, and waits until each is healthy. */
export async function startBenchStack(opts: StackOptions = {}): Promise<BenchStack> {
  const dir = mkdtempSync(join(tmpdir(), 'signet-bench-'));
  // As root, Postgres runs as the `postgres` user, which must traverse to its cluster.
  chmodSync(dir, 0o711);
  const apps: App[] = [];
  let db: Pool | undefined;
  let issuer: LocalOidcIssuer | undefined;
  let postgres: { stop(): Promise<void> } | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const app of apps.reverse()) await stopApp(app, opts.profileDir !== undefined);
      await db?.end().catch(() => undefined);
      await issuer?.close().catch(() => undefined);
      await postgres?.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    })());
  // Ctrl-C or a crash of the bench still stops the apps and Postgres.
  exitHook((done) => void stop().finally(done));

  try {
    progress(`starting embedded Postgres in ${dir}`);
    const pg = await startEmbeddedPostgres({
      dataDir: join(dir, 'pg'),
      port: 0,
      database: 'signet',
    });
    postgres = pg;
    issuer = await startOidcIssuer();
    const policyKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(
      join(dir, 'policy-key.pub.pem'),
      policyKey.publicKey.export({ type: 'spki', format: 'pem' }),
    );
    await writeEncryptedPrivateKey(join(dir, 'policy-key.pem'), policyKey.privateKey, 'bench');
    const config = {
      issuers: [{ url: issuer.url, audience: 'sigstore', type: 'email', allowHttp: true }],
      rules: [{ name: 'bench', issuer: issuer.url, subject: BENCH_EMAIL }],
      policy: { source: opts.policySource ?? 'file' },
      log: { allowedPublicKeys: ['policy-key.pub.pem'] },
    };
    writeFileSync(join(dir, 'signet.yaml'), stringify(config));
    const logPorts: number[] = [];
    for (let i = 0; i < (opts.logProcesses ?? 1); i++) logPorts.push(await freePort());
    const [caPort, caCtPort] = [await freePort(), await freePort()];
    const logUrls = logPorts.map((port) => `http://127.0.0.1:${port}`);
    const [logPort, logUrl] = [logPorts[0]!, logUrls[0]!];
    const common = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: pg.url,
      SIGNET_CONFIG: join(dir, 'signet.yaml'),
      SIGNET_DATA_DIR: join(dir, 'data'),
      LOG_PORT: String(logPort),
      LOG_PUBLIC_URL: logUrl,
      // Production's default: one JSON line per request (written to a file here).
      LOG_LEVEL: 'info',
      LOG_WORKERS: String(opts.workers ?? 1),
      CA_WORKERS: String(opts.workers ?? 1),
      // The bench is many clients from one address: no per-client limit on POSTs in flight.
      LOG_MAX_POSTS_IN_FLIGHT_PER_CLIENT: '0',
    };
    const logEnv = { ...common };
    const caEnv = (port: number, ct: boolean, caLogUrl = logUrl) => ({
      ...common,
      CA_PORT: String(port),
      CA_PUBLIC_URL: `http://127.0.0.1:${port}`,
      CA_LOG_URL: caLogUrl,
      CA_CT_REQUIRED: String(ct),
      // The bench is one identity from one address: lift the per-minute limits out of the way.
      CA_RATE_LIMIT_PER_IDENTITY: '1000000',
      CA_RATE_LIMIT_PER_CLIENT: '10000000',
      CA_POLICY_KEY: join(dir, 'policy-key.pem'),
      CA_POLICY_KEY_PASSPHRASE: 'bench',
      CA_POLICY_LOG: 'true',
    });
    const start = async (
      name: string,
      script: string,
      env: Record<string, string>,
      url: string,
    ) => {
      const app = spawnApp(dir, name, script, env, opts.profileDir);
      apps.push(app);
      await waitHealthy(app, `${url}/healthz`);
    };
    const both = opts.ctOnBothCas === true;
    progress(
      `starting ${logUrls.length} transparency log process(es), CA (CT ${both ? 'on' : 'off'}), CA (CT on)`,
    );
    // The first log makes the development keys and trees the others then open.
    await start('transparency-log', 'apps/transparency-log/src/main.js', logEnv, logUrl);
    const moreLogs = logPorts
      .slice(1)
      .map((port, i) =>
        start(
          `transparency-log-${i + 2}`,
          'apps/transparency-log/src/main.js',
          { ...logEnv, LOG_PORT: String(port) },
          logUrls[i + 1]!,
        ),
      );
    // One after the other: they share the development CA files under SIGNET_DATA_DIR.
    const cas = async () => {
      await start('ca', 'apps/ca/src/main.js', caEnv(caPort, both), `http://127.0.0.1:${caPort}`);
      await start(
        'ca-ct',
        'apps/ca/src/main.js',
        caEnv(caCtPort, true, both ? (logUrls[1] ?? logUrl) : logUrl),
        `http://127.0.0.1:${caCtPort}`,
      );
    };
    const started = await Promise.allSettled([...moreLogs, cas()]);
    const failure = started.find((r) => r.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
    db = new Pool({ connectionString: pg.url, max: 4, application_name: 'signet-bench' });
    // An idle connection that Postgres closes (at shutdown) must not crash the bench.
    db.on('error', () => undefined);
    const postmaster = Number(
      readFileSync(join(dir, 'pg', 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    const pid = (name: string) => apps.find((a) => a.name === name)!.child.pid!;
    return {
      cpu: {
        // The app's primary and its cluster workers.
        log: () => processTreeCpuMs(pid('transparency-log')),
        ca: () => processTreeCpuMs(pid('ca')),
        caCt: () => processTreeCpuMs(pid('ca-ct')),
        postgres: () => processTreeCpuMs(postmaster),
        client: selfCpuMs,
      },
      apps: apps.map((a) => ({
        name: a.name,
        pid: a.child.pid!,
        logFile: a.logFile,
        exited: () => a.child.exitCode !== null || a.child.signalCode !== null,
      })),
      logUrl,
      logUrls,
      caUrl: `http://127.0.0.1:${caPort}`,
      caCtUrl: `http://127.0.0.1:${caCtPort}`,
      issuer,
      logEnv,
      db,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function spawnApp(
  dir: string,
  name: string,
  script: string,
  env: Record<string, string>,
  profileDir: string | undefined,
): App {
  const logFile = join(dir, `${name}.log`);
  const out = openSync(logFile, 'a');
  const profile =
    profileDir === undefined
      ? []
      : [
          '--cpu-prof',
          `--cpu-prof-dir=${profileDir}`,
          `--cpu-prof-name=${name}.cpuprofile`,
          // Nest re-raises SIGTERM after its shutdown hooks, and a process killed by a signal
          // writes no profile: this hook exits normally on SIGUSR2 instead.
          '--require',
          join(__dirname, 'exit-on-sigusr2.js'),
        ];
  const child = spawn(process.execPath, [...profile, builtScript(script)], {
    env,
    cwd: dir,
    stdio: ['ignore', out, out],
  });
  return { name, child, logFile };
}

async function waitHealthy(app: App, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (app.child.exitCode !== null) throw new Error(`${app.name} exited:\n${tail(app.logFile)}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`${app.name} not healthy in ${timeoutMs} ms:\n${tail(app.logFile)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGTERM (SIGUSR2 when profiling), then SIGKILL after 10 s; resolves once the process is gone. */
function stopApp(app: App, profiling: boolean): Promise<void> {
  const { child } = app;
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(profiling ? 'SIGUSR2' : 'SIGTERM');
  });
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no output)';
  }
}
