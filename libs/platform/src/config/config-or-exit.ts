/* The one place a server process reads `process.env` (lint allows it only in config code). */
import {
  ConfigError,
  developmentKeyRefusal,
  loadConfig,
  type SignetConfig,
  unpinnedRefusal,
} from './config';
import { unsupportedNode } from './runtime';

/** The keys a server signs with, each of which a development key may replace in development. */
export type ServerKey =
  'CA_KEY' | 'CA_TUF_KEY' | 'TSA_KEY' | 'CA_POLICY_KEY' | 'LOG_KEY' | 'CT_LOG_KEY' | 'LOG_V2_KEY';

const keyIsSet: Record<ServerKey, (c: SignetConfig) => boolean> = {
  CA_KEY: (c) => c.ca.key !== undefined,
  CA_TUF_KEY: (c) => c.ca.tufKey !== undefined,
  TSA_KEY: (c) => c.tsa.key !== undefined,
  CA_POLICY_KEY: (c) => c.ca.policyKey !== undefined,
  LOG_KEY: (c) => c.log.key !== undefined,
  CT_LOG_KEY: (c) => c.log.ctKey !== undefined,
  LOG_V2_KEY: (c) => c.log.v2Key !== undefined,
};

/** The trust pins a server reads instead of the other app's rows, where development is not allowed. */
export type TrustPin = 'CA_LOG_PUBLIC_KEYS' | 'LOG_CA_ROOTS';

const pins: Record<TrustPin, { isSet: (c: SignetConfig) => boolean; rows: string }> = {
  CA_LOG_PUBLIC_KEYS: {
    isSet: (c) => c.ca.logPublicKeysFile !== undefined,
    rows: "the log's tree keys",
  },
  LOG_CA_ROOTS: {
    isSet: (c) => c.log.caRootsFile !== undefined,
    rows: "the CA's recorded root certificates",
  },
};

/** The refusal of `pin` when it is unset where the database's rows may not stand in for it. */
export function missingPin(config: SignetConfig, pin: TrustPin): string | undefined {
  return pins[pin].isSet(config)
    ? undefined
    : unpinnedRefusal(pin, pins[pin].rows, config.developmentKeys);
}

/** One message per pin in `wanted` that is unset where the database's rows may not stand in. */
export function missingPins(config: SignetConfig, wanted: readonly TrustPin[]): string[] {
  return wanted.flatMap((pin) => missingPin(config, pin) ?? []);
}

export interface ConfigOrExitOptions {
  /** Also refuse an unset DATABASE_URL: the app runs on its own, without `npm start` providing one. */
  requireDatabase?: boolean;
  /** The keys this server signs with: refused when unset and development keys are not allowed. */
  keys?: readonly ServerKey[];
  /** The trust pins this server reads: refused when unset where development keys are. */
  pins?: readonly TrustPin[];
}

/** One message per key in `keys` that is unset where no development key may replace it. */
export function missingKeys(config: SignetConfig, keys: readonly ServerKey[]): string[] {
  return keys.flatMap((key) =>
    keyIsSet[key](config) ? [] : (developmentKeyRefusal(key, config.developmentKeys) ?? []),
  );
}

/**
 * Checks the Node version, then reads and validates configuration from the environment; on error
 * prints what is wrong (the runtime, or which variables) and exits with status 2, before anything
 * starts.
 */
export function configOrExit(
  options: ConfigOrExitOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): SignetConfig {
  try {
    const runtime = unsupportedNode();
    if (runtime !== undefined) throw new ConfigError([runtime]);
    const config = loadConfig(env);
    if (options.requireDatabase === true && config.databaseUrl === undefined) {
      throw new ConfigError([
        'DATABASE_URL: required when the app runs on its own (npm start provides one)',
      ]);
    }
    const missing = [
      ...missingKeys(config, options.keys ?? []),
      ...missingPins(config, options.pins ?? []),
    ];
    if (missing.length > 0) throw new ConfigError(missing);
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
