/* The one place a server process reads `process.env` (lint allows it only in config code). */
import { ConfigError, loadConfig, type SignetConfig } from './config';
import { unsupportedNode } from './runtime';

export interface ConfigOrExitOptions {
  /** Also refuse an unset DATABASE_URL: the app runs on its own, without `npm start` providing one. */
  requireDatabase?: boolean;
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
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
