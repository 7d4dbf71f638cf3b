/* `signet log monitor`'s configuration: a YAML file (`--config`) and flags, checked into one
   typed value with errors that name the field. Pure: the caller reads the files. */
import { parse } from 'yaml';
import { usageError } from '../../cli/exit-codes';
import { type FieldMatcher, fieldMatcher, mapping } from '../../cli/config-fields';
import { LOG_NAMES, type LogName } from './followed-logs';
import type { IdentityWatch, OidWatch, Watchlist } from './watchlist';

/** One log to follow, with what is watched in it (the file's top-level lists included). */
export interface MonitoredLog {
  readonly name: LogName;
  /** Base URL of the log; undefined: the instance's (`--log-url`, SIGNET_LOG_URL). */
  readonly url?: string;
  readonly watchlist: Watchlist;
}

/** The file's settings; flags override `state`, `webhook`, `interval`, add to the lists. */
export interface MonitorFile {
  readonly state?: string;
  readonly webhook?: string;
  /** Seconds. */
  readonly interval?: number;
  readonly logs?: readonly MonitoredLog[];
  readonly watchlist: Watchlist;
  readonly policy?: { readonly key: string; readonly expect: readonly string[] };
}

const EMPTY: Watchlist = { identities: [], digests: [], fingerprints: [], oids: [] };
const WATCH_KEYS = ['identities', 'digests', 'fingerprints', 'oids'];
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const FINGERPRINT = /^[0-9a-f]{64}$/;
const OID = /^[0-2](\.(0|[1-9][0-9]*))+$/;

/** Parses the YAML of `--config FILE`; a usage error (exit 64) listing every bad field. */
export function parseMonitorFile(text: string, file: string): MonitorFile {
  const issues: string[] = [];
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw usageError(`--config ${file}: not YAML: ${(err as Error).message}`);
  }
  const top = mapping(doc ?? {}, '(top level)', issues, [
    'state',
    'webhook',
    'interval',
    'logs',
    'policy',
    ...WATCH_KEYS,
  ]);
  const result: MonitorFile = {
    ...(top?.state !== undefined && { state: text_(top.state, 'state', issues) }),
    ...(top?.webhook !== undefined && { webhook: text_(top.webhook, 'webhook', issues) }),
    ...(top?.interval !== undefined && { interval: seconds(top.interval, 'interval', issues) }),
    ...(top?.logs !== undefined && { logs: logsOf(top.logs, issues) }),
    ...(top?.policy !== undefined && { policy: policyOf(top.policy, issues) }),
    watchlist: top === undefined ? EMPTY : watchlistOf(top, '', issues),
  };
  if (issues.length > 0) throw usageError(`--config ${file}: ${issues.join('; ')}`);
  return result;
}

function text_(value: unknown, at: string, issues: string[]): string {
  if (typeof value !== 'string' || value === '') issues.push(`${at}: must be a non-empty string`);
  return String(value);
}

function seconds(value: unknown, at: string, issues: string[]): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 86_400) {
    issues.push(`${at}: must be a whole number of seconds from 1 to 86400`);
  }
  return Number(value);
}

function list(value: unknown, at: string, issues: string[]): unknown[] {
  if (Array.isArray(value)) return value;
  issues.push(`${at}: must be a list`);
  return [];
}

function logsOf(value: unknown, issues: string[]): MonitoredLog[] {
  return list(value, 'logs', issues).flatMap((item, i): MonitoredLog[] => {
    const at = `logs[${i}]`;
    if (typeof item === 'string') item = { log: item };
    const o = mapping(item, at, issues, ['log', 'url', ...WATCH_KEYS]);
    if (o === undefined) return [];
    if (!LOG_NAMES.includes(o.log as LogName)) {
      issues.push(`${at}.log: must be one of ${LOG_NAMES.join(', ')}`);
      return [];
    }
    return [
      {
        name: o.log as LogName,
        ...(o.url !== undefined && { url: text_(o.url, `${at}.url`, issues) }),
        watchlist: watchlistOf(o, `${at}.`, issues),
      },
    ];
  });
}

function watchlistOf(o: Record<string, unknown>, at: string, issues: string[]): Watchlist {
  const strings = (key: string, pattern: RegExp, what: string): string[] =>
    o[key] === undefined
      ? []
      : list(o[key], `${at}${key}`, issues).flatMap((v, i) => {
          if (typeof v === 'string' && pattern.test(v)) return [v];
          issues.push(`${at}${key}[${i}]: must be ${what}`);
          return [];
        });
  return {
    identities:
      o.identities === undefined
        ? []
        : list(o.identities, `${at}identities`, issues).flatMap((v, i) =>
            identityOf(v, `${at}identities[${i}]`, issues),
          ),
    digests: strings('digests', DIGEST, 'sha256: and 64 lowercase hex digits'),
    fingerprints: strings('fingerprints', FINGERPRINT, '64 lowercase hex digits (a SHA-256)'),
    oids:
      o.oids === undefined
        ? []
        : list(o.oids, `${at}oids`, issues).flatMap((v, i) => oidOf(v, `${at}oids[${i}]`, issues)),
  };
}

function identityOf(value: unknown, at: string, issues: string[]): IdentityWatch[] {
  const o = mapping(value, at, issues, ['subject', 'subjectRegExp', 'issuer', 'issuerRegExp']);
  if (o === undefined) return [];
  const subject = fieldMatcher(o, 'subject', at, issues);
  let issuer: FieldMatcher | undefined;
  if (o.issuer !== undefined || o.issuerRegExp !== undefined) {
    issuer = fieldMatcher(o, 'issuer', at, issues);
  }
  return subject === undefined ? [] : [{ subject, ...(issuer && { issuer }) }];
}

function oidOf(value: unknown, at: string, issues: string[]): OidWatch[] {
  const o = mapping(value, at, issues, ['oid', 'values']);
  if (o === undefined) return [];
  if (typeof o.oid !== 'string' || !OID.test(o.oid)) {
    issues.push(`${at}.oid: must be a dotted object identifier`);
    return [];
  }
  if (o.values === undefined) return [{ oid: o.oid }];
  const values = list(o.values, `${at}.values`, issues);
  if (!values.every((v) => typeof v === 'string')) {
    issues.push(`${at}.values: must be a list of strings`);
    return [];
  }
  return [{ oid: o.oid, values }];
}

function policyOf(value: unknown, issues: string[]) {
  const o = mapping(value, 'policy', issues, ['key', 'expect']);
  const key = text_(o?.key, 'policy.key', issues);
  const expect =
    o?.expect === undefined
      ? []
      : list(o.expect, 'policy.expect', issues).map((d, i) =>
          policyDigest(d, `policy.expect[${i}]`, issues),
        );
  return { key, expect };
}

/** A policy version digest: 64 lowercase hex digits (a `sha256:` prefix is accepted). */
export function policyDigest(value: unknown, at: string, issues: string[]): string {
  const digest = typeof value === 'string' ? value.replace(/^sha256:/, '') : '';
  if (!FINGERPRINT.test(digest))
    issues.push(`${at}: must be a SHA-256 digest, 64 lowercase hex digits`);
  return digest;
}

/** The digests of an expected-versions file: one per line, version 1 first; `#` comments. */
export function parseExpectedFile(text: string, file: string): string[] {
  const issues: string[] = [];
  const digests = text.split('\n').flatMap((line, i) => {
    const content = line.replace(/#.*/, '').trim();
    return content === '' ? [] : [policyDigest(content, `${file}:${i + 1}`, issues)];
  });
  if (issues.length > 0) throw usageError(issues.join('; '));
  return digests;
}

/** A watchlist from the identity flags and lists on the command line. */
export function flagWatchlist(values: {
  'certificate-identity'?: string;
  'certificate-identity-regexp'?: string;
  'certificate-oidc-issuer'?: string;
  'certificate-oidc-issuer-regexp'?: string;
  digest?: string[];
  fingerprint?: string[];
}): Watchlist {
  const issues: string[] = [];
  const o: Record<string, unknown> = {
    ...(values['certificate-identity'] !== undefined && {
      subject: values['certificate-identity'],
    }),
    ...(values['certificate-identity-regexp'] !== undefined && {
      subjectRegExp: values['certificate-identity-regexp'],
    }),
    ...(values['certificate-oidc-issuer'] !== undefined && {
      issuer: values['certificate-oidc-issuer'],
    }),
    ...(values['certificate-oidc-issuer-regexp'] !== undefined && {
      issuerRegExp: values['certificate-oidc-issuer-regexp'],
    }),
  };
  const identities =
    Object.keys(o).length === 0 ? [] : identityOf(o, '--certificate-identity', issues);
  const list = watchlistOf(
    { digests: values.digest ?? [], fingerprints: values.fingerprint ?? [] },
    '--',
    issues,
  );
  if (issues.length > 0) throw usageError(issues.join('; '));
  return { ...list, identities };
}
