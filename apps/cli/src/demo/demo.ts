/* `npm run demo`: the whole story on one machine in about a minute. Starts the stack on its
   embedded Postgres with a TEST-ONLY loopback OIDC issuer, signs a file with `signet sign`,
   verifies it, shows a denied identity (exit 3) and a tampered file (exit 1), then stops
   everything. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  type CliRun,
  findProcesses,
  freePort,
  type LocalOidcIssuer,
  runBuilt,
  type Spawned,
  spawnBuilt,
  startOidcIssuer,
  stopSpawned,
  waitForOutput,
} from '@app/devkit';

const SIGNER = 'release-bot@demo.example';
const INTRUDER = 'intruder@demo.example';

const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const indent = (text: string): string =>
  text
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `    | ${l}`)
    .join('\n');

let failures = 0;

/** Runs one step: shows the command, its status lines, and what it proved (or that it did not). */
async function step(
  n: number,
  title: string,
  shown: string,
  run: () => Promise<CliRun>,
  expected: number,
  proved: string,
): Promise<void> {
  say(`\nStep ${n}: ${title}`);
  say(`  $ ${shown}`);
  const started = Date.now();
  const result = await run();
  if (result.stderr.trim() !== '') say(indent(result.stderr));
  const ok = result.code === expected;
  if (!ok) failures++;
  say(
    `  ${ok ? 'OK' : 'UNEXPECTED'}: exit ${result.code} (expected ${expected}, ${Date.now() - started} ms)`,
  );
  if (ok) say(`  proved: ${proved}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'signet-demo-'));
  // Its own directory: as root, embedded Postgres runs as `postgres` and must reach it.
  const dataDir = mkdtempSync(join(tmpdir(), 'signet-demo-data-'));
  let issuer: LocalOidcIssuer | undefined;
  let stack: Spawned | undefined;
  const stop = async (): Promise<void> => {
    if (stack !== undefined) await stopSpawned(stack);
    await issuer?.close();
  };
  process.once('SIGINT', () => void stop().finally(() => process.exit(130)));
  try {
    say('Signet demo: sign and verify with a private Sigstore, end to end');
    issuer = await startOidcIssuer();
    say(`\nTEST-ONLY OIDC issuer (loopback): ${issuer.url}`);
    say('  It mints tokens for any identity; it stands in for GitHub, GitLab or your IdP.');

    const [caPort, logPort] = [await freePort(), await freePort()];
    const config = join(work, 'signet.yaml');
    writeFileSync(
      config,
      stringify({
        issuers: [{ url: issuer.url, audience: 'sigstore', type: 'email', allowHttp: true }],
        rules: [{ name: 'demo-release', issuer: issuer.url, subject: SIGNER }],
      }),
    );
    say(`Config ${config}: trusts that issuer; one rule allows ${SIGNER} (default deny)`);

    const caUrl = `http://127.0.0.1:${caPort}`;
    const logUrl = `http://127.0.0.1:${logPort}`;
    say(`\nStarting the stack (embedded Postgres, CA on :${caPort}, log on :${logPort}) ...`);
    stack = spawnBuilt('apps/stack/src/main.js', {
      HOME: process.env.HOME,
      SIGNET_DATA_DIR: dataDir,
      SIGNET_CONFIG: config,
      CA_PORT: String(caPort),
      LOG_PORT: String(logPort),
      LOG_LEVEL: 'warn',
    });
    await waitForOutput(stack, 'ready; press Ctrl-C to stop', 90_000);
    say(`  ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const env = {
      HOME: work,
      XDG_CACHE_HOME: join(work, 'cache'),
      SIGNET_CA_URL: caUrl,
      SIGNET_LOG_URL: logUrl,
    };
    const signet = (args: string[]) => runBuilt('apps/cli/src/main.js', args, env, work);
    const artifact = join(work, 'app-1.0.0.tar.gz');
    writeFileSync(artifact, 'the release artifact, version 1.0.0\n');
    const oidc = issuer;
    const token = (email: string) =>
      oidc.mint({ sub: email.split('@')[0], email, email_verified: true });
    const identity = ['--certificate-identity', SIGNER, '--certificate-oidc-issuer', issuer.url];

    await step(
      1,
      `sign as ${SIGNER}`,
      `signet sign ${artifact} --identity-token <token for ${SIGNER}>`,
      async () => signet(['sign', artifact, '--identity-token', await token(SIGNER)]),
      0,
      'the CA issued a short-lived certificate (with an SCT from its CT log) for an allowed ' +
        'identity, the log recorded the signature, and the bundle holds both',
    );
    await step(
      2,
      'verify the signed file',
      `signet verify ${artifact} --certificate-identity ${SIGNER} --certificate-oidc-issuer ${issuer.url}`,
      () => signet(['verify', artifact, ...identity]),
      0,
      "the signature covers the file, the certificate chains to the instance's trusted root, " +
        'the log entry is proven, and the signer is the identity required',
    );
    await step(
      3,
      `sign as ${INTRUDER}, an identity no rule allows`,
      `signet sign ${artifact} --identity-token <token for ${INTRUDER}>`,
      async () =>
        signet([
          'sign',
          artifact,
          '--bundle',
          join(work, 'intruder.sigstore.json'),
          '--identity-token',
          await token(INTRUDER),
        ]),
      3,
      'a valid token is not enough: the CA denies identities its rules do not allow (exit 3)',
    );
    const tampered = join(work, 'app-1.0.0-tampered.tar.gz');
    writeFileSync(tampered, 'the release artifact, version 1.0.0, with a backdoor\n');
    await step(
      4,
      'verify a tampered copy against the original bundle',
      `signet verify ${tampered} --bundle ${artifact}.sigstore.json ...`,
      () => signet(['verify', tampered, '--bundle', `${artifact}.sigstore.json`, ...identity]),
      1,
      'any change to the file breaks verification (exit 1)',
    );
  } finally {
    say('\nStopping the stack (SIGINT, as Ctrl-C) and the issuer ...');
    await stop();
    const left = findProcesses({ env: `SIGNET_DATA_DIR=${dataDir}`, cmdline: dataDir });
    if (left.length > 0) {
      failures++;
      say(`  UNEXPECTED: processes still running: ${left.map((p) => p.pid).join(', ')}`);
    } else {
      say('  stopped; no process left');
    }
    rmSync(work, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
  say(
    `\n${failures === 0 ? 'Demo complete' : `Demo FAILED (${failures} step(s))`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  process.exitCode = failures === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
  say(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
