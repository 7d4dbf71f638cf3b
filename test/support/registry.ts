/* A real OCI registry for the image tests: Debian's docker-registry (the CNCF distribution
   registry 2.8, no referrers API) on 127.0.0.1 with filesystem storage in a temp dir, open or
   behind htpasswd (bcrypt, written by apache2-utils' htpasswd -B); fixture images pushed with
   Debian's skopeo. tools/system/packages.js installs the three packages before any test run. */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@app/devkit/free-port';
import { type OciFixture, writeImageLayout, writeIndexLayout } from './oci-layout';
import { makeTempDir, removeTempDir } from './temp-dir';

const run = promisify(execFile);

/** A running registry. */
export interface TestRegistry {
  /** `127.0.0.1:<port>`: the registry part of image references, and what --allow-http names. */
  host: string;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The user and password of an htpasswd registry. */
  credentials?: { username: string; password: string };
  /** Everything the registry printed (its log). */
  output(): string;
  /** Stops the registry and removes its storage. */
  stop(): Promise<void>;
}

/** Starts docker-registry; with `credentials`, behind htpasswd Basic auth for that one user. */
export async function startRegistry(
  options: { credentials?: { username: string; password: string } } = {},
): Promise<TestRegistry> {
  const dir = makeTempDir('registry');
  const port = await freePort();
  const { credentials } = options;
  let auth = '';
  if (credentials !== undefined) {
    const line = execFileSync('htpasswd', ['-Bbn', credentials.username, credentials.password], {
      encoding: 'utf8',
    });
    writeFileSync(join(dir, 'htpasswd'), line.trim() + '\n');
    auth = `auth:\n  htpasswd:\n    realm: signet-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log:\n  level: warn\n  accesslog:\n    disabled: true',
      `storage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true`,
      `http:\n  addr: 127.0.0.1:${port}\n  secret: signet-test-secret`,
      auth,
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    '/usr/bin/docker-registry',
    ['serve', join(dir, 'config.yml')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH },
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    removeTempDir(dir);
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await fetch(`${url}/v2/`).catch(() => undefined);
      // 200 open, 401 behind htpasswd: either way the registry answers.
      if (res?.status === 200 || res?.status === 401) break;
      if (child.exitCode !== null)
        throw new Error(`docker-registry exited (${child.exitCode}):\n${out}`);
      if (Date.now() > deadline)
        throw new Error(`docker-registry did not answer on ${url} in 15 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    host: `127.0.0.1:${port}`,
    url,
    ...(credentials !== undefined && { credentials }),
    output: () => out,
    stop,
  };
}

/**
 * Runs skopeo with a permissive signature policy of its own (the host's policy.json is not ours
 * to rely on) and `creds` for `registry` when it has some. Returns stdout; throws with stderr.
 */
export async function skopeo(registry: TestRegistry, args: string[]): Promise<string> {
  const dir = makeTempDir('skopeo');
  try {
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    const creds = registry.credentials;
    const [command, ...rest] = args;
    const credsFlag = command === 'copy' ? '--dest-creds' : '--creds';
    const { stdout } = await run(
      '/usr/bin/skopeo',
      [
        '--policy',
        policy,
        command!,
        ...(creds !== undefined ? [credsFlag, `${creds.username}:${creds.password}`] : []),
        ...rest,
      ],
      { env: { PATH: process.env.PATH, HOME: dir }, maxBuffer: 16 * 1024 * 1024 },
    );
    return stdout;
  } finally {
    removeTempDir(dir);
  }
}

/** `skopeo inspect --raw` of `repository:reference` in `registry`: the stored manifest bytes. */
export function inspectRaw(
  registry: TestRegistry,
  repositoryAndReference: string,
): Promise<string> {
  return skopeo(registry, [
    'inspect',
    '--raw',
    '--tls-verify=false',
    `docker://${registry.host}/${repositoryAndReference}`,
  ]);
}

/**
 * Builds a fixture image (`kind` 'image': one linux/amd64 manifest; 'index': linux/amd64 and
 * linux/arm64 under one index) and pushes it with skopeo to `registry` as `repository:tag`.
 * `text` varies the content (and so the digests). Returns what was pushed; the layout is removed.
 */
export async function pushFixture(
  registry: TestRegistry,
  kind: 'image' | 'index',
  repository: string,
  tag: string,
  text?: string,
): Promise<OciFixture> {
  const dir = makeTempDir('oci-layout');
  try {
    const fixture =
      kind === 'image' ? writeImageLayout(dir, tag, text) : writeIndexLayout(dir, tag, text);
    await skopeo(registry, [
      'copy',
      '--dest-tls-verify=false',
      ...(kind === 'index' ? ['--all'] : []),
      `oci:${dir}:${tag}`,
      `docker://${registry.host}/${repository}:${tag}`,
    ]);
    return { ...fixture, dir: '' };
  } finally {
    removeTempDir(dir);
  }
}
