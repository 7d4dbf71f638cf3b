/* The part of a stack both ways of running it share: the database, two loopback ports, the
   fixture's OIDC issuers and the environment both apps read (stack.ts boots the apps in this
   process; the crash suites run the built ones). */
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '@app/devkit';
import { writeEncryptedPrivateKey } from '@app/signing';
import { caFixture, type CaFixture } from './ca-fixtures';
import { createTestDatabase, type TestDatabase } from './database';

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

/** What both ways of running the stack share: database, ports, issuers, keys and environment. */
export interface StackSetup {
  db: TestDatabase;
  fx: CaFixture;
  caPort: number;
  logPort: number;
  caUrl: string;
  logUrl: string;
  logV2Url: string;
  policyKeyPem: string;
}

/**
 * The database (a clone of the template, or `database`), two ports, the fixture's issuers and
 * `fx.env` for both apps with a policy key of their own; `startStack` boots the apps in this
 * process, the crash suites run the built ones.
 */
export async function prepareStack(
  rules: object[],
  allowedPublicKeysPem: string[] = [],
  env: Record<string, string> = {},
  options: StackOptions & { database?: TestDatabase } = {},
): Promise<StackSetup> {
  const db = options.database ?? (await createTestDatabase());
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
  return { db, fx, caPort, logPort, caUrl, logUrl, logV2Url, policyKeyPem };
}
