// Container image signing latency (issue 18): `signet image sign` (both formats: a bundle
// referrer and a .sig layer, one certificate) and `signet image verify` per image, against the
// bench stack (CT-on CA, Rekor v1 log) and Debian's docker-registry 2.8 on loopback (no referrers
// API: every signature also rewrites the fallback tag, re-read after a pause because 2.8 ignores
// If-Match). The commands run in this process through the CLI's `run()`, as `signet` would
// without Node's start-up, which is measured apart (`signet --version`). Run alone:
// `npm run build && node dist/bench/image-latency.js [--quick]`; writes
// bench/results/image-latency-latest.json.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@app/devkit';
import type { CliContext } from '../apps/cli/src/cli/context';
import { RegistryClient } from '../apps/cli/src/image/registry/client';
import { parseImageReference } from '../apps/cli/src/image/registry/reference';
import { run } from '../apps/cli/src/main';
import { figure, type Figure, percentile, progress, sorted } from './support/figures';
import { BENCH_EMAIL, benchToken, startBenchStack } from './support/stack';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** docker-registry serving `dir` on a free loopback port; `stop()` ends it. */
async function registry(dir: string): Promise<{ host: string; stop: () => void }> {
  const port = await freePort();
  const config = join(dir, 'registry.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\nstorage: {filesystem: {rootdirectory: ${join(dir, 'registry')}}}\nhttp: {addr: 127.0.0.1:${port}, secret: bench}\n`,
  );
  const child: ChildProcess = spawn('/usr/bin/docker-registry', ['serve', config], {
    stdio: 'ignore',
  });
  for (let i = 0; ; i++) {
    if ((await fetch(`http://127.0.0.1:${port}/v2/`).catch(() => undefined))?.ok) break;
    if (i === 300) throw new Error('docker-registry did not start in 15 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return { host: `127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

/** Pushes a one-layer image of random content as `repo:v1`; returns its reference by tag. */
async function pushImage(client: RegistryClient, host: string, repo: string): Promise<string> {
  const ref = parseImageReference(`${host}/${repo}:v1`);
  const layer = await client.putBlob(ref, randomBytes(1024));
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    }),
  );
  const configDescriptor = await client.putBlob(ref, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDescriptor.digest,
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: layer.digest,
          size: layer.size,
        },
      ],
    }),
  );
  await client.putManifest(ref, 'v1', manifest, OCI_MANIFEST);
  return `${host}/${repo}:v1`;
}

async function timed(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const errors: string[] = [];
  const ctx: CliContext = {
    env,
    print: () => undefined,
    status: (l) => void errors.push(l),
    fetch,
  };
  const started = performance.now();
  const code = await run(argv, ctx).catch((err: unknown) => {
    errors.push(String(err));
    return -1;
  });
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`signet ${argv.join(' ')} exited ${code}:\n${errors.join('\n')}`);
  return ms;
}

async function main(): Promise<void> {
  const images = process.argv.includes('--quick') ? 5 : 20;
  const dir = mkdtempSync(join(tmpdir(), 'signet-image-bench-'));
  const stack = await startBenchStack();
  const reg = await registry(dir);
  const client = new RegistryClient({ allowHttp: [reg.host], env: { HOME: dir } });
  try {
    const env = {
      HOME: dir,
      XDG_CACHE_HOME: join(dir, 'cache'),
      PATH: process.env.PATH,
      SIGNET_CA_URL: stack.caCtUrl,
      SIGNET_LOG_URL: stack.logUrl,
    };
    const refs: string[] = [];
    for (let i = 0; i < images; i++) refs.push(await pushImage(client, reg.host, `bench/app${i}`));
    const http = ['--allow-http', reg.host];
    const identity = [
      '--certificate-identity',
      BENCH_EMAIL,
      '--certificate-oidc-issuer',
      stack.issuer.url,
    ];
    // The first run fetches and caches the trusted root (trust on first use): not measured.
    await timed(['image', 'sign', refs[0]!, ...http], {
      ...env,
      SIGSTORE_ID_TOKEN: await benchToken(stack),
    });
    const signMs: number[] = [];
    const verifyMs: number[] = [];
    for (const ref of refs) {
      const token = await benchToken(stack);
      const s = await timed(['image', 'sign', ref, ...http], { ...env, SIGSTORE_ID_TOKEN: token });
      const v = await timed(['image', 'verify', ref, ...http, ...identity], env);
      signMs.push(s);
      verifyMs.push(v);
      progress(`${ref}: sign ${s.toFixed(0)} ms, verify ${v.toFixed(0)} ms`);
    }
    const startupMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      execFileSync(process.execPath, [join(__dirname, '../apps/cli/src/main.js'), '--version']);
      startupMs.push(performance.now() - started);
    }
    const figures: Figure[] = [];
    for (const [id, values] of [
      ['image_sign_both_formats', signMs],
      ['image_verify', verifyMs],
    ] as const) {
      const s = sorted(values);
      figures.push(
        figure(`${id}_p50_ms`, 'ms', percentile(s, 50)),
        figure(`${id}_p99_ms`, 'ms', percentile(s, 99)),
      );
    }
    figures.push(figure('cli_node_startup_p50_ms', 'ms', percentile(sorted(startupMs), 50)));
    const result = { date: new Date().toISOString(), images, figures };
    writeFileSync(
      join(__dirname, '../../bench/results/image-latency-latest.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    for (const f of figures) process.stdout.write(`${f.id.padEnd(36)} ${f.value} ${f.unit}\n`);
  } finally {
    client.close();
    reg.stop();
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
