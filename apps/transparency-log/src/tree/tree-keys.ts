import type { Logger } from '@nestjs/common';
import {
  ConfigError,
  developmentSigner,
  type KeyRef,
  openSigner,
  type SignetConfig,
} from '@app/platform';
import type { Signer } from '@app/signing';
import type { TreePurpose } from './tree.entities';
import { artifactTreeSigning, ctTreeSigning, type TreeSigning } from './tree-signing';

/**
 * Opens the key of each tree purpose: LOG_KEY for artifact trees, CT_LOG_KEY (ECDSA P-256 only)
 * for CT trees; an unset key is a development key under SIGNET_DATA_DIR/keys, with a warning.
 * Throws {@link ConfigError} naming CT_LOG_KEY when it is not a P-256 key.
 */
export async function openTreeSignings(
  config: SignetConfig,
  logger: Logger,
): Promise<Record<TreePurpose, TreeSigning>> {
  const open = async (variable: string, ref: KeyRef | undefined, name: string) => {
    if (ref !== undefined) return openSigner(ref);
    const dev = await developmentSigner(config.dataDir, name);
    logger.warn(
      `${variable} is unset: signing with the DEVELOPMENT key ${name} in ${config.dataDir}/keys${dev.created ? ' (just created)' : ''}; configure ${variable} in production`,
    );
    return dev.signer;
  };
  const artifact = await open('LOG_KEY', config.log.key, 'transparency-log');
  let ct: Signer;
  try {
    ct = await open('CT_LOG_KEY', config.log.ctKey, 'ct-log');
  } catch (err) {
    await close(artifact);
    throw err;
  }
  if (ct.algorithm !== 'ecdsa-p256-sha256') {
    await Promise.all([close(artifact), close(ct)]);
    throw new ConfigError([
      `CT_LOG_KEY: must be an ECDSA P-256 key (RFC 6962 SCTs and tree heads are verified as ECDSA P-256 / SHA-256), got ${ct.algorithm}`,
    ]);
  }
  return {
    artifact: artifactTreeSigning(artifact, config.logPublicUrl),
    ct: ctTreeSigning(ct, config.logPublicUrl),
  };
}

/** Releases a signer's resources (a PKCS#11 session), if it holds any. */
export async function close(signer: Signer): Promise<void> {
  await signer.close?.();
}
