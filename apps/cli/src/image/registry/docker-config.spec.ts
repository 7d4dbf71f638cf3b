import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliError } from '../../cli/exit-codes';
import {
  type CredentialHelper,
  type DockerConfig,
  credentialHelperRunner,
  dockerConfigPath,
  readDockerConfig,
  resolveCredentials,
} from './docker-config';

const config = (parts: Partial<DockerConfig>): DockerConfig => ({
  path: '/c/config.json',
  auths: {},
  credHelpers: {},
  ...parts,
});
const b64 = (s: string) => Buffer.from(s).toString('base64');
const noHelper: CredentialHelper = () => Promise.reject(new Error('no helper expected'));

describe(resolveCredentials.name, () => {
  it('decodes auths[host].auth, matching keys written with a scheme or a path', async () => {
    const c = config({ auths: { 'https://reg.corp:5000/v2/': { auth: b64('ci:pa:ss') } } });
    await expect(resolveCredentials(c, 'reg.corp:5000', noHelper)).resolves.toEqual({
      kind: 'basic',
      username: 'ci',
      password: 'pa:ss',
      source: '/c/config.json (auths "https://reg.corp:5000/v2/")',
    });
    await expect(resolveCredentials(c, 'reg.corp', noHelper)).resolves.toBeUndefined();
  });

  it('finds Docker Hub under https://index.docker.io/v1/ and asks helpers with that URL', async () => {
    const c = config({ auths: { 'https://index.docker.io/v1/': { identitytoken: 'rt' } } });
    await expect(resolveCredentials(c, 'registry-1.docker.io', noHelper)).resolves.toMatchObject({
      kind: 'identityToken',
      token: 'rt',
    });
    const asked: string[] = [];
    const helper: CredentialHelper = (name, server) => {
      asked.push(`${name} ${server}`);
      return Promise.resolve({ Username: 'u', Secret: 's' });
    };
    await resolveCredentials(config({ credsStore: 'desktop' }), 'registry-1.docker.io', helper);
    expect(asked).toEqual(['desktop https://index.docker.io/v1/']);
  });

  it('prefers credHelpers[host] to credsStore to auths, and reads <token> as an identity token', async () => {
    const helper: CredentialHelper = (name) =>
      Promise.resolve(
        name === 'ecr'
          ? { Username: '<token>', Secret: 'refresh' }
          : { Username: 'store', Secret: 'x' },
      );
    const c = config({
      credHelpers: { 'reg.corp': 'ecr' },
      credsStore: 'pass',
      auths: { 'reg.corp': { auth: b64('file:x') }, other: { auth: b64('file:y') } },
    });
    await expect(resolveCredentials(c, 'reg.corp', helper)).resolves.toEqual({
      kind: 'identityToken',
      token: 'refresh',
      source: 'credential helper docker-credential-ecr',
    });
    await expect(resolveCredentials(c, 'other', helper)).resolves.toMatchObject({
      username: 'store',
    });
  });

  it('falls back to auths when the store has nothing for the host', async () => {
    const c = config({ credsStore: 'pass', auths: { 'reg.corp': { auth: b64('file:x') } } });
    await expect(
      resolveCredentials(c, 'reg.corp', () => Promise.resolve(undefined)),
    ).resolves.toMatchObject({
      username: 'file',
    });
  });

  it('refuses an auth that is not base64 of user:password, without echoing it', async () => {
    const c = config({ auths: { 'reg.corp': { auth: b64('secretwithoutcolon') } } });
    const err = await resolveCredentials(c, 'reg.corp', noHelper).catch((e: unknown) => e);
    expect((err as CliError).message).toBe(
      '/c/config.json (auths "reg.corp"): "auth" is not base64 of user:password',
    );
  });
});

describe('docker config files and helpers', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'signet-docker-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds $DOCKER_CONFIG/config.json, else ~/.docker/config.json, unless given a path', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/d', HOME: '/h' })).toBe('/d/config.json');
    expect(dockerConfigPath({ HOME: '/h' })).toBe('/h/.docker/config.json');
    expect(dockerConfigPath({ DOCKER_CONFIG: '/d' }, '/x.json')).toBe('/x.json');
  });

  it('reads a config file; none is undefined; bad JSON is an error naming the file', () => {
    const path = join(dir, 'config.json');
    expect(readDockerConfig(path)).toBeUndefined();
    writeFileSync(
      path,
      JSON.stringify({ auths: { r: { auth: 'x' } }, credsStore: 'pass', credHelpers: [] }),
    );
    expect(readDockerConfig(path)).toEqual({
      path,
      auths: { r: { auth: 'x' } },
      credHelpers: {},
      credsStore: 'pass',
    });
    writeFileSync(path, '{');
    expect(() => readDockerConfig(path)).toThrow(`the Docker config ${path} is not a JSON object`);
  });

  const helper = (name: string, script: string) => {
    const file = join(dir, `docker-credential-${name}`);
    writeFileSync(file, `#!/bin/sh\n${script}\n`);
    chmodSync(file, 0o755);
  };

  it('runs docker-credential-<name> get with the server on stdin', async () => {
    helper(
      't',
      'read host; [ "$1" = get ] && printf \'{"ServerURL":"%s","Username":"u-%s","Secret":"s"}\' "$host" "$host"',
    );
    const run = credentialHelperRunner({ PATH: `${dir}:/usr/bin:/bin` });
    await expect(run('t', 'reg.corp')).resolves.toEqual({ Username: 'u-reg.corp', Secret: 's' });
  });

  it('reads "credentials not found" as none, and names the helper on other failures', async () => {
    helper('none', 'echo "credentials not found in native keychain"; exit 1');
    helper('broken', 'echo "boom" >&2; exit 3');
    helper('garbled', 'echo not-json');
    const run = credentialHelperRunner({ PATH: `${dir}:/usr/bin:/bin` });
    await expect(run('none', 'r')).resolves.toBeUndefined();
    await expect(run('broken', 'r')).rejects.toThrow(
      'docker-credential-broken get r: exited 3: boom',
    );
    await expect(run('garbled', 'r')).rejects.toThrow(
      'docker-credential-garbled get r: did not print {"Username": …, "Secret": …}',
    );
    await expect(run('missing', 'r')).rejects.toThrow(
      'docker-credential-missing get r: not found on PATH',
    );
    await expect(run('../x', 'r')).rejects.toThrow('invalid credential helper name "../x"');
  });
});
