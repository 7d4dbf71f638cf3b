import { dirname, resolve } from 'node:path';
import { ConfigError, type SignetConfig } from '@app/platform';
import { type AdminSettings, parseAdminSettings } from '../admin/auth/admin.config';
import { type IssuerConfig, parseIssuers } from '../identity';
import { parseRules, type RuleSpec } from '../policy/rules.config';

/** Injection token of the CA's {@link CaFileSettings}. */
export const CA_FILE_SETTINGS = Symbol('CA_FILE_SETTINGS');

/** Every section of SIGNET_CONFIG that the CA reads, parsed and validated. */
export interface CaFileSettings {
  /** `issuers:`: the OIDC issuers whose tokens the CA accepts. */
  readonly issuers: readonly IssuerConfig[];
  /** `rules:`: the IAM rules, synced into Postgres at boot (none: every request is denied). */
  readonly rules: readonly RuleSpec[];
  /** `ca.retiredChains`: PEM files of earlier chains, as absolute paths. */
  readonly retiredChainFiles: readonly string[];
  /** `admin:`: sign-in, role bindings, session and API token lifetimes. */
  readonly admin: AdminSettings;
}

/**
 * Parses every CA section of the SIGNET_CONFIG file before Nest starts, so that a bad file stops
 * the CA with one {@link ConfigError} listing every problem of every section, each naming its
 * field (`SIGNET_CONFIG: rules[0].certificateLifetime: …`), before anything touches the database.
 */
export function parseCaFileSettings(config: SignetConfig): CaFileSettings {
  const problems: string[] = [];
  const attempt = <T>(parse: () => T, fallback: T): T => {
    try {
      return parse();
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else problems.push(...(err as Error).message.split('\n').map((l) => `SIGNET_CONFIG: ${l}`));
      return fallback;
    }
  };
  const issuers = attempt(() => parseIssuers(config.file.issuers), []);
  const rules = attempt(
    () => parseRules(config.file.rules, config.ca.maxCertificateLifetimeSeconds),
    [],
  );
  const retiredChainFiles = attempt(() => retiredChains(config), []);
  const admin = attempt(() => parseAdminSettings(config.file.admin), parseAdminSettings({}));
  if (admin.oidc !== undefined && config.admin.oidcClientSecret === undefined) {
    problems.push(
      'ADMIN_OIDC_CLIENT_SECRET: required with admin.oidc (the client is confidential)',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { issuers, rules, retiredChainFiles, admin };
}

/** `ca.retiredChains`: PEM files (issuing certificate first), resolved beside the config file. */
function retiredChains(config: SignetConfig): string[] {
  const section = config.file.ca as { retiredChains?: unknown } | undefined;
  const files = section?.retiredChains ?? [];
  if (
    !Array.isArray(files) ||
    !files.every((f): f is string => typeof f === 'string' && f !== '')
  ) {
    throw new ConfigError(['SIGNET_CONFIG: ca.retiredChains must be a list of PEM file paths']);
  }
  const base = config.configFile === undefined ? process.cwd() : dirname(config.configFile);
  return files.map((f) => resolve(base, f));
}
