import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseKeyRef, type KeyRef } from '../keys/key-ref';
import { envSchema, secretVariables } from './env.schema';

/** The validated configuration of a Signet process, read once at boot. */
export interface SignetConfig {
  readonly caPort: number;
  readonly logPort: number;
  readonly caPublicUrl: string;
  readonly logPublicUrl: string;
  /**
   * The public URL of the Rekor v2 log's active shard: its hostname (no port, no path) is the
   * shard's checkpoint origin, as sigstore-go requires; each new shard needs a new hostname.
   */
  readonly logV2PublicUrl: string;
  readonly listenHost: string;
  /** Whether an unset key may be replaced by a development key (see `developmentKeysPolicy`). */
  readonly developmentKeys: DevelopmentKeys;
  /** Who may read `/metrics`: direct loopback requests only, anyone, or nobody. */
  readonly metrics: 'loopback' | 'public' | 'off';
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  readonly dataDir: string;
  readonly embeddedPostgresPort: number;
  /** Absolute path of the YAML file with issuers and rules, when one is in use. */
  readonly configFile: string | undefined;
  /** The parsed YAML document (a mapping), or an empty mapping when there is no file. */
  readonly file: Readonly<Record<string, unknown>>;
  readonly log: LogSettings;
  readonly ca: CaSettings;
  readonly tsa: TsaSettings;
  /** Secrets of the CA's admin plane (its `admin:` settings are in SIGNET_CONFIG). */
  readonly admin: AdminSecrets;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Whether development keys may stand in for unset keys, and why (for messages). */
export interface DevelopmentKeys {
  readonly allowed: boolean;
  readonly reason: string;
}

/** Host names and addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * Development keys (generated under SIGNET_DATA_DIR, passphrase beside them) are for a machine of
 * one's own: SIGNET_DEVELOPMENT_KEYS decides when set; otherwise they are allowed only when the
 * apps listen on loopback and NODE_ENV is not `production`.
 */
export function developmentKeysPolicy(
  explicit: 'true' | 'false' | undefined,
  nodeEnv: string | undefined,
  listenHost: string,
): DevelopmentKeys {
  if (explicit !== undefined) {
    return {
      allowed: explicit === 'true',
      reason: `SIGNET_DEVELOPMENT_KEYS=${explicit}`,
    };
  }
  if (nodeEnv === 'production') return { allowed: false, reason: 'NODE_ENV is production' };
  if (!isLoopbackHost(listenHost)) {
    return { allowed: false, reason: `SIGNET_LISTEN_HOST ${listenHost} is not loopback` };
  }
  return { allowed: true, reason: 'the apps listen on loopback and NODE_ENV is not production' };
}

/**
 * The one message for a key that is unset where development keys are not allowed; undefined when
 * a development key may be used.
 */
export function developmentKeyRefusal(
  variable: string,
  policy: DevelopmentKeys,
): string | undefined {
  if (policy.allowed) return undefined;
  return `${variable}: required (${policy.reason}, so no development key stands in for it; set SIGNET_DEVELOPMENT_KEYS=true only on a machine of your own)`;
}

/**
 * The one message for a trust pin that is unset where the database's rows may not stand in for
 * it; undefined in development, where they may (with a warning at boot).
 */
export function unpinnedRefusal(
  variable: string,
  rows: string,
  policy: DevelopmentKeys,
): string | undefined {
  if (policy.allowed) return undefined;
  return `${variable}: required (${policy.reason}, so ${rows} are not trusted from the database alone; set SIGNET_DEVELOPMENT_KEYS=true only on a machine of your own)`;
}

/** Settings of the transparency log app. */
export interface LogSettings {
  /** Its signing key; undefined means a development key under the data directory. */
  readonly key: KeyRef | undefined;
  /**
   * The key of its RFC 6962 certificate-transparency tree (ECDSA P-256); undefined means the
   * development key `ct-log` under the data directory.
   */
  readonly ctKey: KeyRef | undefined;
  readonly batchMaxSize: number;
  readonly batchMaxWaitMs: number;
  /** Most entries per tree a process holds waiting to be integrated; past it, 503 Retry-After. */
  readonly queueMaxEntries: number;
  /** Most POSTs one client address may have in flight on the log (429 beyond); 0: no limit. */
  readonly maxPostsInFlightPerClient: number;
  readonly maxBodyBytes: number;
  /** Processes serving the log's port (Node cluster); the tree-head lock keeps one writer. */
  readonly workers: number;
  /** Bytes of hash tiles each log process keeps in memory (0: none). */
  readonly tileCacheBytes: number;
  /**
   * PEM file with the instance CA's root certificates: recorded CA certificates are trusted only
   * on a path to one of them. Undefined: every recorded root (development only).
   */
  readonly caRootsFile: string | undefined;
  /** The key of the Rekor v2 shard (Ed25519 or ECDSA P-256); undefined: a development key. */
  readonly v2Key: KeyRef | undefined;
}

/** Settings of the certificate authority app. */
export interface CaSettings {
  /** The issuing (intermediate) key; undefined means a development root and intermediate. */
  readonly key: KeyRef | undefined;
  /** PEM file with the issuing certificate first, then up to the root; required with `key`. */
  readonly chainFile: string | undefined;
  readonly maxCertificateLifetimeSeconds: number;
  /**
   * The online key that signs the TUF repository's targets, snapshot and timestamp; undefined
   * (with `tufRootDir`) means development keys under the data directory.
   */
  readonly tufKey: KeyRef | undefined;
  /** Directory of the TUF root history (`1.root.json`, `2.root.json`, …), signed offline. */
  readonly tufRootDir: string | undefined;
  /** Where the CA submits precertificates (the log app's RFC 6962 CT API). */
  readonly logUrl: string;
  /**
   * PEM file with the public keys of the log's trees (artifact and CT, current and retired): the
   * only `log_tree` rows the CA publishes and whose SCTs it embeds. Undefined: every row
   * (development only).
   */
  readonly logPublicKeysFile: string | undefined;
  /** Which log the signing config sends new signers to: Rekor v1, or v2 (with the TSA). */
  readonly signingLog: 'v1' | 'v2';
  /** When true (default), a certificate is never issued without an SCT: an unreachable log is a 503. */
  readonly ctRequired: boolean;
  /** Signs each policy version's statement; undefined means a development key. */
  readonly policyKey: KeyRef | undefined;
  /**
   * Whether each policy version is committed to the log (at `logUrl`) before it takes effect.
   * True unless development keys are allowed (then false unless CA_POLICY_LOG=true).
   */
  readonly policyLog: boolean;
  /** PEM file of earlier policy keys: versions they signed are still accepted (key rotation). */
  readonly policyRetiredKeysFile: string | undefined;
  /** Certificates per identity per minute. */
  readonly rateLimitPerIdentity: number;
  /** Certificates per client address per minute. */
  readonly rateLimitPerClient: number;
  /** Processes serving the CA's port (Node cluster); rate limits are shared through Postgres. */
  readonly workers: number;
}

/** Settings of the timestamp authority (RFC 3161), served by the CA app. */
export interface TsaSettings {
  /** The TSA's signing key (ECDSA P-256 or P-384); undefined means a development TSA. */
  readonly key: KeyRef | undefined;
  /** PEM file with the TSA's certificate first (EKU timeStamping, critical), then up to its root. */
  readonly chainFile: string | undefined;
  /** The policy OID every token names (TSTInfo.policy); requests naming another are refused. */
  readonly policy: string;
}

/** Secrets of the admin plane, from the environment only (never the config file). */
export interface AdminSecrets {
  /** The admin OIDC client's secret (`client_secret_post`); required with `admin.oidc`. */
  readonly oidcClientSecret: string | undefined;
  /** Signs the session cookie; undefined: a development secret under SIGNET_DATA_DIR. */
  readonly sessionSecret: string | undefined;
}

/** Thrown when configuration is invalid; the message names every offending variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates `env` (normally `process.env`) and the SIGNET_CONFIG file.
 * Throws {@link ConfigError} naming each bad variable; never echoes secret values.
 */
export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): SignetConfig {
  // Empty strings count as unset, as in most .env tooling.
  const present = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k in envSchema.shape && v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '(environment)');
        const raw = present[name];
        const shown =
          raw === undefined || secretVariables.has(name) ? '' : ` (got ${JSON.stringify(raw)})`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const e = parsed.data;
  if ((e.CA_KEY === undefined) !== (e.CA_CHAIN === undefined)) {
    throw new ConfigError([
      'CA_KEY and CA_CHAIN go together: set both, or neither for a development CA',
    ]);
  }
  if ((e.TSA_KEY === undefined) !== (e.TSA_CHAIN === undefined)) {
    throw new ConfigError([
      'TSA_KEY and TSA_CHAIN go together: set both, or neither for a development TSA',
    ]);
  }
  if ((e.CA_TUF_KEY === undefined) !== (e.CA_TUF_ROOT_DIR === undefined)) {
    throw new ConfigError([
      'CA_TUF_KEY and CA_TUF_ROOT_DIR go together: set both, or neither for development TUF keys',
    ]);
  }
  const { configFile, file } = readConfigFile(e.SIGNET_CONFIG, cwd);
  const developmentKeys = developmentKeysPolicy(
    e.SIGNET_DEVELOPMENT_KEYS,
    e.NODE_ENV,
    e.SIGNET_LISTEN_HOST,
  );
  return {
    caPort: e.CA_PORT,
    logPort: e.LOG_PORT,
    caPublicUrl: e.CA_PUBLIC_URL ?? `http://127.0.0.1:${e.CA_PORT}`,
    logPublicUrl: e.LOG_PUBLIC_URL ?? `http://127.0.0.1:${e.LOG_PORT}`,
    // Another hostname than the v1 log's by default: a v2 shard's origin is its hostname.
    logV2PublicUrl: e.LOG_V2_PUBLIC_URL ?? `http://localhost:${e.LOG_PORT}`,
    listenHost: e.SIGNET_LISTEN_HOST,
    developmentKeys,
    metrics: e.SIGNET_METRICS,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: resolve(cwd, e.SIGNET_DATA_DIR),
    embeddedPostgresPort: e.SIGNET_EMBEDDED_PG_PORT,
    configFile,
    file,
    log: {
      key: keyRef('LOG_KEY', e.LOG_KEY, e.LOG_KEY_PASSPHRASE, e.LOG_KEY_PASSPHRASE_FILE),
      ctKey: keyRef(
        'CT_LOG_KEY',
        e.CT_LOG_KEY,
        e.CT_LOG_KEY_PASSPHRASE,
        e.CT_LOG_KEY_PASSPHRASE_FILE,
      ),
      batchMaxSize: e.LOG_BATCH_MAX_SIZE,
      batchMaxWaitMs: e.LOG_BATCH_MAX_WAIT_MS,
      queueMaxEntries: e.LOG_QUEUE_MAX_ENTRIES,
      maxPostsInFlightPerClient: e.LOG_MAX_POSTS_IN_FLIGHT_PER_CLIENT,
      maxBodyBytes: e.LOG_MAX_BODY_BYTES,
      workers: e.LOG_WORKERS,
      tileCacheBytes: e.LOG_TILE_CACHE_MB * 1024 * 1024,
      caRootsFile: e.LOG_CA_ROOTS === undefined ? undefined : resolve(cwd, e.LOG_CA_ROOTS),
      v2Key: keyRef(
        'LOG_V2_KEY',
        e.LOG_V2_KEY,
        e.LOG_V2_KEY_PASSPHRASE,
        e.LOG_V2_KEY_PASSPHRASE_FILE,
      ),
    },
    ca: {
      key: keyRef('CA_KEY', e.CA_KEY, e.CA_KEY_PASSPHRASE, e.CA_KEY_PASSPHRASE_FILE),
      chainFile: e.CA_CHAIN === undefined ? undefined : resolve(cwd, e.CA_CHAIN),
      maxCertificateLifetimeSeconds: e.CA_MAX_CERT_LIFETIME_SECONDS,
      tufKey: keyRef(
        'CA_TUF_KEY',
        e.CA_TUF_KEY,
        e.CA_TUF_KEY_PASSPHRASE,
        e.CA_TUF_KEY_PASSPHRASE_FILE,
      ),
      tufRootDir: e.CA_TUF_ROOT_DIR === undefined ? undefined : resolve(cwd, e.CA_TUF_ROOT_DIR),
      logUrl: e.CA_LOG_URL ?? `http://127.0.0.1:${e.LOG_PORT}`,
      signingLog: e.CA_SIGNING_LOG,
      logPublicKeysFile:
        e.CA_LOG_PUBLIC_KEYS === undefined ? undefined : resolve(cwd, e.CA_LOG_PUBLIC_KEYS),
      ctRequired: e.CA_CT_REQUIRED === 'true',
      policyKey: keyRef(
        'CA_POLICY_KEY',
        e.CA_POLICY_KEY,
        e.CA_POLICY_KEY_PASSPHRASE,
        e.CA_POLICY_KEY_PASSPHRASE_FILE,
      ),
      policyLog:
        e.CA_POLICY_LOG === undefined ? !developmentKeys.allowed : e.CA_POLICY_LOG === 'true',
      policyRetiredKeysFile:
        e.CA_POLICY_RETIRED_KEYS === undefined ? undefined : resolve(cwd, e.CA_POLICY_RETIRED_KEYS),
      rateLimitPerIdentity: e.CA_RATE_LIMIT_PER_IDENTITY,
      rateLimitPerClient: e.CA_RATE_LIMIT_PER_CLIENT,
      workers: e.CA_WORKERS,
    },
    tsa: {
      key: keyRef('TSA_KEY', e.TSA_KEY, e.TSA_KEY_PASSPHRASE, e.TSA_KEY_PASSPHRASE_FILE),
      chainFile: e.TSA_CHAIN === undefined ? undefined : resolve(cwd, e.TSA_CHAIN),
      policy: e.TSA_POLICY_OID,
    },
    admin: { oidcClientSecret: e.ADMIN_OIDC_CLIENT_SECRET, sessionSecret: e.ADMIN_SESSION_SECRET },
    logLevel: e.LOG_LEVEL,
  };
}

function keyRef(
  variable: string,
  value: string | undefined,
  passphrase: string | undefined,
  passphraseFile: string | undefined,
): KeyRef | undefined {
  if (value === undefined) return undefined;
  try {
    return parseKeyRef(
      variable,
      value,
      passphrase !== undefined
        ? { value: passphrase }
        : passphraseFile !== undefined
          ? { file: passphraseFile }
          : undefined,
    );
  } catch (err) {
    throw new ConfigError([(err as Error).message]);
  }
}

function readConfigFile(
  setting: string | undefined,
  cwd: string,
): { configFile: string | undefined; file: Record<string, unknown> } {
  const path = resolve(cwd, setting ?? 'signet.yaml');
  if (!existsSync(path)) {
    if (setting !== undefined) throw new ConfigError([`SIGNET_CONFIG: file not found: ${path}`]);
    return { configFile: undefined, file: {} };
  }
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError([`SIGNET_CONFIG: ${path} is not valid YAML: ${(err as Error).message}`]);
  }
  if (doc === null || doc === undefined) return { configFile: path, file: {} };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError([`SIGNET_CONFIG: ${path} must contain a YAML mapping at the top level`]);
  }
  return { configFile: path, file: doc as Record<string, unknown> };
}
