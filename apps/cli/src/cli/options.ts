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
} as const;

/** Where the CA and the log of the instance are. */
export interface Instance {
  caUrl: string;
  logUrl: string;
}

/**
 * The instance from `--ca-url`/`--log-url`, else `SIGNET_CA_URL`/`SIGNET_LOG_URL`, else the local
 * defaults. Throws a usage error for a URL that is not absolute http(s).
 */
export function resolveInstance(
  values: { 'ca-url'?: string; 'log-url'?: string },
  env: NodeJS.ProcessEnv,
): Instance {
  return {
    caUrl: baseUrl('--ca-url', values['ca-url'] ?? nonEmpty(env.SIGNET_CA_URL) ?? DEFAULT_CA_URL),
    logUrl: baseUrl(
      '--log-url',
      values['log-url'] ?? nonEmpty(env.SIGNET_LOG_URL) ?? DEFAULT_LOG_URL,
    ),
  };
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
