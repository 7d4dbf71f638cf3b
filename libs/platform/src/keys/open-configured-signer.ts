import type { LoggerService } from '@nestjs/common';
import type { Signer } from '@app/signing';
import { developmentSigner, type KeyRef, openSigner } from './key-ref';

/** A key the configuration may name, and the development key used in its place when it does not. */
export interface ConfiguredKey {
  /** The environment variable that names the key (for the warning). */
  variable: string;
  ref: KeyRef | undefined;
  /** Where the development key lives: `<dir>/keys/<name>.pem`. */
  dir: string;
  name: string;
}

/**
 * The one place where "open the configured key, or a development key" is decided: opens `ref`
 * when configured; otherwise the development key `<dir>/keys/<name>.pem` (created once), with a
 * warning that names the variable to configure in production.
 */
export async function openConfiguredSigner(
  key: ConfiguredKey,
  logger: Pick<LoggerService, 'warn'>,
): Promise<Signer> {
  if (key.ref !== undefined) return openSigner(key.ref);
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
