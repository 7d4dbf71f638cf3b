import type { LoggerService } from '@nestjs/common';
import type { Signer } from '@app/signing';
import { ConfigError, developmentKeyRefusal, type DevelopmentKeys } from '../config/config';
import { developmentSigner, type KeyRef, openSigner } from './key-ref';

/** A key the configuration may name, and the development key used in its place when it does not. */
export interface ConfiguredKey {
  /** The environment variable that names the key (for the warning). */
  variable: string;
  ref: KeyRef | undefined;
  /** Where the development key lives: `<dir>/keys/<name>.pem`. */
  dir: string;
  name: string;
  /** Whether a development key may stand in (`SignetConfig.developmentKeys`). */
  developmentKeys: DevelopmentKeys;
}

/**
 * The one place where "open the configured key, or a development key" is decided: opens `ref`
 * when configured; otherwise, where development keys are allowed, the development key
 * `<dir>/keys/<name>.pem` (created once), with a warning that names the variable to configure in
 * production. Where they are not, throws {@link ConfigError} naming the variable.
 */
export async function openConfiguredSigner(
  key: ConfiguredKey,
  logger: Pick<LoggerService, 'warn'>,
): Promise<Signer> {
  if (key.ref !== undefined) return openSigner(key.ref);
  const refusal = developmentKeyRefusal(key.variable, key.developmentKeys);
  if (refusal !== undefined) throw new ConfigError([refusal]);
  const dev = await developmentSigner(key.dir, key.name);
  logger.warn(
    `${key.variable} is unset: signing with the DEVELOPMENT key ${key.name} in ${key.dir}/keys${dev.created ? ' (just created)' : ''}; configure ${key.variable} in production`,
  );
  return dev.signer;
}

/** Releases a signer's resources (a PKCS#11 session), if it holds any. */
export async function closeSigner(signer: Signer): Promise<void> {
  await signer.close?.();
}
