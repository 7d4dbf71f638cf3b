/* Both apps on one database, listening on loopback ports, as clients see them. */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { CaModule } from '../../apps/ca/src/app.module';
import { TransparencyLogModule } from '../../apps/transparency-log/src/app.module';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '@app/devkit';
import { writeEncryptedPrivateKey } from '@app/signing';
import { bootApp, testConfig } from './apps';
import { caFixture, type CaFixture } from './ca-fixtures';
import { createTestDatabase, type TestDatabase } from './database';
import { type Spawned, spawnBuilt, stopSpawned, waitFor } from './processes';

export interface Stack {
  db: TestDatabase;
  fx: CaFixture;
  caUrl: string;
  logUrl: string;
  /** The Rekor v2 shard's URL: the same port under another hostname (its checkpoint origin). */
  logV2Url: string;
  /** The CA's policy key (CA_POLICY_KEY), which the log lets write: PEM of its public key. */
  policyKeyPem: string;
  /** With `processes: true`: the built servers as child processes (their pid, RSS, output). */
  processes?: { ca: Spawned; log: Spawned };

  close(): Promise<void>;
}

/**
 * Starts the log, then the CA (CT required) against it, with `rules` for the fixture's issuers;
 * the log also accepts entries signed by the bare keys `allowedPublicKeysPem`, and by the CA's
 * policy key (policy versions are logged when `env` sets CA_POLICY_LOG=true).
 */
export interface StackOptions {
  /** More SIGNET_CONFIG sections (`policy`, `admin`). */
  config?: Record<string, unknown>;
  /** The CA's port, when the test must know its URL first (an IdP's redirect URI). */
  caPort?: number;
  /**
   * Run the built entry points (`npm run build`) as child processes rather than in this process:
   * for tests that measure a server (its RSS) or need it apart from Jest's.
   */
  processes?: boolean;
}

export async function startStack(
  rules: object[],
  allowedPublicKeysPem: string[] = [],
  env: Record<string, string> = {},
  options: StackOptions = {},
): Promise<Stack> {
  const db = await createTestDatabase();
  const [caPort, logPort] = [options.caPort ?? (await freePort()), await freePort()];
  const caUrl = `http://127.0.0.1:${caPort}`;
  const logUrl = `http://127.0.0.1:${logPort}`;
  const logV2Url = `http://localhost:${logPort}`;
  const policyKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const policyKeyPem = policyKey.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const fx = await caFixture(
    rules,
    {
      CA_PUBLIC_URL: caUrl,
      LOG_PUBLIC_URL: logUrl,
      CA_LOG_URL: logUrl,
      LOG_V2_PUBLIC_URL: logV2Url,
      CA_CT_REQUIRED: 'true',
      CA_POLICY_KEY_PASSPHRASE: 'stack-policy-key',
      ...env,
    },
    [...allowedPublicKeysPem, policyKeyPem],
    options.config,
  );
  const policyKeyFile = join(fx.dir, 'policy-key.pem');
  await writeEncryptedPrivateKey(policyKeyFile, policyKey.privateKey, 'stack-policy-key');
  fx.env.CA_POLICY_KEY ??= policyKeyFile;
  // Each app as its own least-privilege role, as in production (README: Database roles).
  const [caDbUrl, logDbUrl] = [await db.appUrl('signet_ca'), await db.appUrl('signet_log')];
  const shared = { db, fx, caUrl, logUrl, logV2Url, policyKeyPem };
  const release = async () => {
    await fx.close();
    await db.drop();
  };
  if (options.processes === true) {
    const spawn = async (script: string, env: Record<string, string>, url: string) => {
      const spawned = spawnBuilt(script, { ...fx.env, LOG_LEVEL: 'warn', ...env });
      await waitFor(`${url}/healthz`, 200, 60_000, spawned);
      return spawned;
    };
    const log = await spawn(
      'apps/transparency-log/src/main.js',
      { DATABASE_URL: logDbUrl, LOG_PORT: String(logPort) },
      logUrl,
    );
    const ca = await spawn(
      'apps/ca/src/main.js',
      { DATABASE_URL: caDbUrl, CA_PORT: String(caPort) },
      caUrl,
    ).catch(async (err: unknown) => {
      await stopSpawned(log, 'SIGTERM');
      throw err;
    });
    return {
      ...shared,
      processes: { ca, log },
      close: async () => {
        await stopSpawned(ca, 'SIGTERM');
        await stopSpawned(log, 'SIGTERM');
        await release();
      },
    };
  }
  const apps: NestExpressApplication[] = [];
  const log = await bootApp(TransparencyLogModule.forRoot(testConfig(logDbUrl, fx.env)), 131072);
  await log.listen(logPort, '127.0.0.1');
  apps.push(log);
  const ca = await bootApp(CaModule.forRoot(testConfig(caDbUrl, fx.env)), 64 * 1024);
  await ca.listen(caPort, '127.0.0.1');
  apps.push(ca);
  return {
    ...shared,
    close: async () => {
      for (const app of apps.reverse()) await app.close();
      await release();
    },
  };
}
