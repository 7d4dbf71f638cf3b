/* The built log and CA as child processes on one database, each app as its own role, with a
   policy kept in the database and logged before it is used: what the crash suites kill and
   start again. Needs `npm run build`. */
import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { insertApiToken, newApiToken } from '@app/schema';
import type { TestDatabase } from './database';
import { type Spawned, spawnBuilt, stopSpawned, waitFor } from './processes';
import { prepareStack, type StackSetup } from './stack-setup';

const LOG = 'apps/transparency-log/src/main.js';
const CA = 'apps/ca/src/main.js';

export const CRASH_EMAIL = 'crash@example.com';

export interface CrashStack extends StackSetup {
  /** The bare key the log lets write v1 and v2 entries. */
  writer: WriterKey;
  /** A Bearer token of the `editor` role for the admin API. */
  adminToken: string;
  log(): Spawned;
  ca(): Spawned;
  /** Starts the log process (again) and waits until it answers /healthz. */
  startLog(): Promise<void>;
  /** Starts the CA process (again) and waits until it answers /healthz. */
  startCa(): Promise<void>;
  /** SIGKILLs the log process; resolves once it has exited. */
  killLog(): Promise<void>;
  /** Stops both processes (SIGTERM) and removes the fixture; drops the database if `dropDb`. */
  close(dropDb?: boolean): Promise<void>;
}

export interface WriterKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  publicKeyDer: Buffer;
}

/** The stack on `database` (else a clone of the test template), both apps started. */
export async function startCrashStack(database?: TestDatabase): Promise<CrashStack> {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const writer: WriterKey = {
    privateKey: pair.privateKey,
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKeyDer: pair.publicKey.export({ type: 'spki', format: 'der' }),
  };
  const setup = await prepareStack(
    [{ name: 'crash', issuer: '$EMAIL_ISSUER', subject: CRASH_EMAIL }],
    [writer.publicKeyPem],
    // The workload signs far more than a person would: the per-minute limits must not refuse it.
    {
      CA_POLICY_LOG: 'true',
      CA_RATE_LIMIT_PER_IDENTITY: '1000000',
      CA_RATE_LIMIT_PER_CLIENT: '1000000',
    },
    { config: { policy: { source: 'database' } }, database },
  );
  const { db, fx } = setup;
  const logEnv = {
    ...fx.env,
    DATABASE_URL: await db.appUrl('signet_log'),
    LOG_PORT: String(setup.logPort),
    LOG_LEVEL: 'warn',
  };
  const caEnv = {
    ...fx.env,
    DATABASE_URL: await db.appUrl('signet_ca'),
    CA_PORT: String(setup.caPort),
    LOG_LEVEL: 'warn',
  };
  let log: Spawned | undefined;
  let ca: Spawned | undefined;
  const token = newApiToken();
  await insertApiToken(
    { query: (sql, params) => db.query(sql, params) },
    {
      id: randomUUID(),
      name: 'crash-editor',
      role: 'editor',
      sha256: token.sha256,
      last4: token.last4,
      createdBy: { issuer: 'urn:signet:cli', subject: 'root', display: 'root' },
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  );
  const stack: CrashStack = {
    ...setup,
    writer,
    adminToken: token.token,
    log: () => log!,
    ca: () => ca!,
    startLog: async () => {
      log = spawnBuilt(LOG, logEnv);
      await waitFor(`${setup.logUrl}/healthz`, 200, 60_000, log);
    },
    startCa: async () => {
      ca = spawnBuilt(CA, caEnv);
      await waitFor(`${setup.caUrl}/healthz`, 200, 60_000, ca);
    },
    killLog: async () => {
      log!.child.kill('SIGKILL');
      await log!.exited;
    },
    close: async (dropDb = true) => {
      for (const p of [ca, log]) if (p !== undefined) await stopSpawned(p, 'SIGTERM');
      await fx.close();
      if (dropDb) await db.drop();
    },
  };
  await stack.startLog();
  await stack.startCa();
  return stack;
}
