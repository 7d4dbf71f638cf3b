/* The built `signet` command against a running log and CA, as a CI job runs it: the setup that
   cli.e2e-spec and cli-attest-log.e2e-spec share. Needs `npm run build`. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encryptPrivateKeyPem, generateKeyPair } from '@app/signing';
import { builtScript, type CliRun, runBuilt } from './processes';
import { startStack, type Stack, type StackOptions } from './stack';
import { makeTempDir, removeTempDir, tempDirs } from './temp-dir';

export const ALICE = 'alice@example.com';

const CLI = 'apps/cli/src/main.js';

export interface CliStack {
  /** The stack; this and the fields below are set from the describe's `beforeAll` on. */
  stack: Stack;
  /** The job's directory, also its HOME. */
  dir: string;
  /** `app.tar.gz` in `dir`. */
  artifact: string;
  /** Runs the built CLI in `dir` with only the job's environment (plus PATH and `extra`). */
  signet(args: string[], extra?: Record<string, string>): Promise<CliRun>;
  /** `--certificate-identity` and `--certificate-oidc-issuer` (default: ALICE, the email issuer). */
  identityFlags(identity?: string, issuer?: () => string): string[];
  /** Writes `content` to `dir/name` and returns its path. */
  file(name: string, content: string | Buffer): string;
  /** A token of the email issuer for ALICE. */
  aliceToken(): Promise<string>;
  /** `signet sign` of `artifact` as ALICE. */
  signAsAlice(): Promise<CliRun>;
}

/**
 * Registers `beforeAll`/`afterAll` in the calling describe: a stack whose rules allow ALICE
 * (email issuer) and the acme/app release workflow (GitHub issuer), whose log also accepts
 * entries signed by the managed keys `allowedPublicKeysPem`, and a fresh job directory.
 */
export function useCliStack(
  allowedPublicKeysPem: string[] = [],
  stackEnv: Record<string, string> = {},
  stackOptions: StackOptions = {},
): CliStack {
  let env: Record<string, string> = {};
  const tempDir = tempDirs(afterAll);
  const cli: CliStack = {
    stack: undefined as unknown as Stack,
    dir: '',
    artifact: '',
    signet: (args, extra = {}) => runBuilt(CLI, args, { ...env, ...extra }, cli.dir),
    identityFlags: (identity = ALICE, issuer = () => cli.stack.fx.email.url) => [
      '--certificate-identity',
      identity,
      '--certificate-oidc-issuer',
      issuer(),
    ],
    file: (name, content) => {
      const path = join(cli.dir, name);
      writeFileSync(path, content);
      return path;
    },
    aliceToken: () =>
      cli.stack.fx.email.mint({ sub: 'user-1', email: ALICE, email_verified: true }),
    signAsAlice: async () =>
      cli.signet(['sign', cli.artifact, '--identity-token', await cli.aliceToken()]),
  };
  beforeAll(async () => {
    expect(existsSync(builtScript(CLI))).toBe(true); // `npm test` builds first; else `npm run build`
    cli.stack = await startStack(
      [
        { name: 'alice', issuer: '$EMAIL_ISSUER', subject: ALICE },
        {
          name: 'release',
          issuer: '$GITHUB_ISSUER',
          subject: 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/*',
        },
      ],
      allowedPublicKeysPem,
      stackEnv,
      stackOptions,
    );
    cli.dir = tempDir('cli');
    env = {
      HOME: cli.dir,
      XDG_CACHE_HOME: join(cli.dir, 'cache'),
      SIGNET_CA_URL: cli.stack.caUrl,
      SIGNET_LOG_URL: cli.stack.logUrl,
    };
    cli.artifact = cli.file('app.tar.gz', 'release 1.2.3 of the app');
  });
  afterAll(async () => {
    await cli.stack?.close();
  });
  return cli;
}

/**
 * {@link useCliStack} whose CA logs every policy version (`CA_POLICY_LOG`, `policy.source:
 * database`), signed by a policy key made here before the stack boots (the log must list it in
 * `log.allowedPublicKeys`); `policyKeyFile` is its public key, PEM.
 */
export function usePolicyLoggingCliStack(allowedPublicKeysPem: string[] = []): {
  cli: CliStack;
  policyKeyFile: string;
} {
  const keyDir = makeTempDir('policy-key');
  afterAll(() => removeTempDir(keyDir));
  const policyKey = generateKeyPair('ecdsa-p256-sha256');
  const policyKeyPem = policyKey.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  writeFileSync(join(keyDir, 'policy-key.pem'), encryptPrivateKeyPem(policyKey.privateKey, 'pw'));
  const policyKeyFile = join(keyDir, 'policy-key.pub.pem');
  writeFileSync(policyKeyFile, policyKeyPem);
  const cli = useCliStack(
    [policyKeyPem, ...allowedPublicKeysPem],
    {
      CA_POLICY_LOG: 'true',
      CA_POLICY_KEY: join(keyDir, 'policy-key.pem'),
      CA_POLICY_KEY_PASSPHRASE: 'pw',
    },
    { config: { policy: { source: 'database' } } },
  );
  return { cli, policyKeyFile };
}
