/* Argument parsing shared by every command (node:util parseArgs, strict). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './exit-codes';

/** The default instance: `npm start` on this machine. */
export const DEFAULT_CA_URL = 'http://127.0.0.1:5555';
export const DEFAULT_LOG_URL = 'http://127.0.0.1:3000';

/** Options every command accepts. */
export const commonOptions = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
} as const;

/** Options that locate the Signet instance. */
export const instanceOptions = {
  'ca-url': { type: 'string' },
  'log-url': { type: 'string' },
  'insecure-http': { type: 'boolean' },
  'tuf-root': { type: 'string' },
} as const;

/** What {@link resolveInstance} reads from the parsed options. */
export interface InstanceValues {
  'ca-url'?: string;
  'log-url'?: string;
  'insecure-http'?: boolean;
  'tuf-root'?: string;
}

/** Where the CA and the log of the instance are. */
export interface Instance {
  caUrl: string;
  logUrl: string;
  /**
   * The TUF root (`root.json`, handed out out of band) that anchors the trusted root fetched from
   * the CA's `/tuf` (`--tuf-root`, else `SIGNET_TUF_ROOT`).
   */
  tufRoot?: string;
}

/**
 * The instance from `--ca-url`/`--log-url`, else `SIGNET_CA_URL`/`SIGNET_LOG_URL`, else the local
 * defaults. Throws a usage error for a URL that is not absolute http(s), or that is plain http to
 * a host that is not loopback without `--insecure-http`: anyone on the path could then answer
 * for the CA (its trusted root) or the log.
 */
export function resolveInstance(values: InstanceValues, env: NodeJS.ProcessEnv): Instance {
  const insecure = values['insecure-http'] === true;
  return {
    caUrl: secureBaseUrl(
      '--ca-url',
      values['ca-url'] ?? nonEmpty(env.SIGNET_CA_URL) ?? DEFAULT_CA_URL,
      insecure,
    ),
    logUrl: secureBaseUrl(
      '--log-url',
      values['log-url'] ?? nonEmpty(env.SIGNET_LOG_URL) ?? DEFAULT_LOG_URL,
      insecure,
    ),
    tufRoot: values['tuf-root'] ?? nonEmpty(env.SIGNET_TUF_ROOT),
  };
}

function secureBaseUrl(name: string, text: string, insecureHttp: boolean): string {
  const url = baseUrl(name, text);
  if (!insecureHttp && !isSecureUrl(url)) {
    throw usageError(
      `${name} ${url} is plain http to a host that is not loopback; use https, or pass --insecure-http`,
    );
  }
  return url;
}

/** Whether `url` is https, or http to a loopback host (`localhost`, 127.0.0.0/8, `[::1]`). */
export function isSecureUrl(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return (
    protocol === 'https:' ||
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname)
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** `text` as an http(s) base URL without a trailing slash. */
export function baseUrl(name: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`${name} ${JSON.stringify(text)} is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`${name} must be an http or https URL, got ${JSON.stringify(text)}`);
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * Parses `argv` strictly against `options` and checks the number of positionals: `names` lists
 * the required ones (named in errors), `optional` how many more may follow.
 */
export function parseCommand<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
  names: string[] = [],
  optional = 0,
) {
  const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  const { positionals } = parsed;
  const help = (parsed.values as { help?: boolean }).help === true;
  if (!help && positionals.length < names.length) {
    throw usageError(`missing ${names.slice(positionals.length).join(' ')}`);
  }
  if (positionals.length > names.length + optional) {
    throw usageError(`unexpected argument ${JSON.stringify(positionals[names.length + optional])}`);
  }
  return { ...parsed, help };
}

const MAX_COUNT = 2n ** 63n - 1n;

/** Parses a decimal integer option from `min` to 2^63-1 (sizes and indices are bigint). */
export function parseCount(name: string, text: string, min = 0n): bigint {
  if (!/^(0|[1-9][0-9]{0,18})$/.test(text) || BigInt(text) < min || BigInt(text) > MAX_COUNT) {
    throw usageError(`${name} must be an integer of at least ${min}, got ${JSON.stringify(text)}`);
  }
  return BigInt(text);
}
