/* Registry credentials as Docker keeps them (docker/cli `cli/config`): the config file
   `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`, with `auths` entries (`auth` =
   base64 "user:password", or `identitytoken`), and credential helpers: `credHelpers[host]`, else
   `credsStore`, each a `docker-credential-<name>` program (docker/docker-credential-helpers
   protocol: `get`, the server on stdin, `{"Username","Secret"}` on stdout). */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError, ExitCode } from '../../cli/exit-codes';
import { DOCKER_HUB } from './reference';

/** Credentials for one registry; `source` says where they came from (for messages, never the secret). */
export type RegistryCredentials =
  | { kind: 'basic'; username: string; password: string; source: string }
  /** An OAuth2 refresh token (`identitytoken`, or a helper's Username `<token>`). */
  | { kind: 'identityToken'; token: string; source: string };

/** The parts of a Docker config file this client reads. */
export interface DockerConfig {
  path: string;
  auths: Record<
    string,
    { auth?: string; identitytoken?: string; username?: string; password?: string }
  >;
  credHelpers: Record<string, string>;
  credsStore?: string;
}

/** Runs credential helper `name` for `serverUrl`; undefined when it has nothing for that server. */
export type CredentialHelper = (
  name: string,
  serverUrl: string,
) => Promise<{ Username: string; Secret: string } | undefined>;

/** `explicit`, else `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv, explicit?: string): string {
  if (explicit !== undefined) return explicit;
  if (env.DOCKER_CONFIG) return join(env.DOCKER_CONFIG, 'config.json');
  return join(env.HOME || homedir(), '.docker', 'config.json');
}

/** Reads a Docker config file; undefined when there is none. Exit 2 when it is not valid JSON. */
export function readDockerConfig(path: string): DockerConfig | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(ExitCode.error, `cannot read the Docker config ${path}`, { cause: err });
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      throw new Error('not an object');
  } catch (err) {
    throw new CliError(ExitCode.error, `the Docker config ${path} is not a JSON object`, {
      cause: err,
    });
  }
  const record = (value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
  return {
    path,
    auths: record(json.auths) as DockerConfig['auths'],
    credHelpers: record(json.credHelpers) as DockerConfig['credHelpers'],
    ...(typeof json.credsStore === 'string' &&
      json.credsStore !== '' && { credsStore: json.credsStore }),
  };
}

/** A config key (`https://host/v1/`, `host`, `http://host:5000`) reduced to the host it names. */
export function configKeyHost(key: string): string {
  return key
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
}

// Docker Hub is stored under `https://index.docker.io/v1/` by `docker login`.
const HUB_KEYS = new Set(['index.docker.io', 'docker.io', DOCKER_HUB]);
const sameRegistry = (key: string, registry: string): boolean => {
  const host = configKeyHost(key);
  return host === registry || (registry === DOCKER_HUB && HUB_KEYS.has(host));
};

/** The server URL a helper is asked about: what `docker login` stored it under. */
const helperServer = (registry: string): string =>
  registry === DOCKER_HUB ? 'https://index.docker.io/v1/' : registry;

/**
 * The credentials for `registry` (host[:port]): `credHelpers[host]`, else `credsStore`, else
 * `auths` (also after a store that has nothing for the host, as docker/cli's native store does).
 * Undefined when none are configured. Exit 2 for an `auth` that is not base64 "user:password".
 */
export async function resolveCredentials(
  config: DockerConfig,
  registry: string,
  runHelper: CredentialHelper,
): Promise<RegistryCredentials | undefined> {
  const helperKey = Object.keys(config.credHelpers).find((k) => sameRegistry(k, registry));
  const helper = helperKey !== undefined ? config.credHelpers[helperKey] : config.credsStore;
  if (helper) {
    const found = await runHelper(helper, helperServer(registry));
    const source = `credential helper docker-credential-${helper}`;
    if (found !== undefined && found.Username === '<token>') {
      return { kind: 'identityToken', token: found.Secret, source };
    }
    if (found !== undefined) {
      return { kind: 'basic', username: found.Username, password: found.Secret, source };
    }
  }
  const key = Object.keys(config.auths).find((k) => sameRegistry(k, registry));
  const entry = key !== undefined ? config.auths[key] : undefined;
  if (entry === undefined || typeof entry !== 'object') return undefined;
  const source = `${config.path} (auths "${key}")`;
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') {
    return { kind: 'identityToken', token: entry.identitytoken, source };
  }
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new CliError(ExitCode.error, `${source}: "auth" is not base64 of user:password`);
    }
    return {
      kind: 'basic',
      username: decoded.slice(0, colon),
      password: decoded.slice(colon + 1),
      source,
    };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string') {
    return { kind: 'basic', username: entry.username, password: entry.password, source };
  }
  return undefined;
}

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const HELPER_TIMEOUT_MS = 30_000;
const HELPER_MAX_OUTPUT = 64 * 1024;

/**
 * A {@link CredentialHelper} that runs `docker-credential-<name> get` found on `env.PATH`. A helper
 * that says "credentials not found" yields undefined; any other failure is exit 2 naming the
 * helper (its stderr is shown, cut short; helpers do not print secrets there).
 */
export function credentialHelperRunner(env: NodeJS.ProcessEnv): CredentialHelper {
  return (name, serverUrl) => {
    const program = `docker-credential-${name}`;
    if (!HELPER_NAME.test(name)) {
      return Promise.reject(
        new CliError(ExitCode.error, `invalid credential helper name "${name}"`),
      );
    }
    return new Promise((resolve, reject) => {
      const fail = (why: string, cause?: unknown) =>
        reject(new CliError(ExitCode.error, `${program} get ${serverUrl}: ${why}`, { cause }));
      const child = spawn(program, ['get'], {
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
        timeout: HELPER_TIMEOUT_MS,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.length > HELPER_MAX_OUTPUT) child.kill();
      });
      child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(0, 4096)));
      child.on('error', (err: NodeJS.ErrnoException) =>
        fail(err.code === 'ENOENT' ? 'not found on PATH' : err.message, err),
      );
      child.stdin.on('error', () => undefined); // a helper that exits without reading stdin
      child.stdin.end(serverUrl);
      child.on('close', (code, signal) => {
        const said = `${stdout} ${stderr}`.trim();
        if (code !== 0) {
          if (/credentials not found/i.test(said)) return resolve(undefined);
          return fail(signal ? `killed (${signal})` : `exited ${code}: ${said.slice(0, 200)}`);
        }
        try {
          const json = JSON.parse(stdout) as { Username?: unknown; Secret?: unknown };
          if (typeof json.Username !== 'string' || typeof json.Secret !== 'string')
            throw new Error('fields');
          resolve({ Username: json.Username, Secret: json.Secret });
        } catch (err) {
          fail('did not print {"Username": …, "Secret": …}', err);
        }
      });
    });
  };
}
