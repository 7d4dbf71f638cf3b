import { Logger } from '@nestjs/common';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConfigError,
  developmentKeyRefusal,
  developmentSigner,
  openSigner,
  type SignetConfig,
} from '@app/platform';
import type { Signer } from '@app/signing';
import { checkRootHistory, developmentRoots, readRootHistory } from './tuf-roots';

/** Injection token of the {@link TufKeys} the composition root opened. */
export const TUF_KEYS = Symbol('TUF_KEYS');

/** The TUF repository's online key and the signed root history it serves. */
export interface TufKeys {
  online: Signer;
  /** `N.root.json` bytes, index N-1. */
  roots: Buffer[];
}

/**
 * Opens the TUF keys at the composition root: CA_TUF_KEY with the offline-signed root history in
 * CA_TUF_ROOT_DIR, or (development) root and online keys created under SIGNET_DATA_DIR/tuf, with a
 * warning. A root history that does not list the online key is reported as a warning.
 */
export async function openTufKeys(config: SignetConfig): Promise<TufKeys> {
  const logger = new Logger('TufKeys');
  const warn = (message: string | undefined) => message !== undefined && logger.warn(message);
  const { tufKey, tufRootDir } = config.ca;
  if (tufKey !== undefined && tufRootDir !== undefined) {
    const online = await openSigner(tufKey);
    const roots = await readRootHistory(tufRootDir);
    warn(checkRootHistory(roots, online, 'CA_TUF_ROOT_DIR'));
    return { online, roots };
  }
  const refusal = developmentKeyRefusal('CA_TUF_KEY', config.developmentKeys);
  if (refusal !== undefined) throw new ConfigError([refusal]);
  const dir = join(config.dataDir, 'tuf');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const online = (await developmentSigner(dir, 'online')).signer;
  const root = (await developmentSigner(dir, 'root')).signer;
  const roots = await developmentRoots(dir, root, online);
  warn(checkRootHistory(roots, online, dir));
  logger.warn(
    `CA_TUF_KEY is unset: the TUF repository at /tuf is signed with DEVELOPMENT root and online keys from ${dir}; never use it in production`,
  );
  return { online, roots };
}
