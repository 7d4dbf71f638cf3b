import { Logger } from '@nestjs/common';
import { closeSigner, ConfigError, openConfiguredSigner, type SignetConfig } from '@app/platform';
import type { TreePurpose } from '@app/schema';
import type { TreeSigning, TreeSignings } from './core/tree-signing';
import { ctTreeSigning } from './personalities/ct/ct-signing';
import { rekorTreeSigning } from './personalities/rekor-v1/rekor-signing';
import { rekorV2TreeSigning } from './personalities/rekor-v2/rekor-v2-signing';

/**
 * The composition root's keys: LOG_KEY signs artifact (Rekor v1) trees, CT_LOG_KEY (ECDSA
 * P-256 only) signs CT trees, LOG_V2_KEY (Ed25519 or ECDSA P-256) signs Rekor v2 shards; an unset key is a development key under SIGNET_DATA_DIR/keys,
 * with a warning. Throws {@link ConfigError} naming CT_LOG_KEY when it is not a P-256 key. A
 * new tree purpose adds its line here and its value in the schema's purpose list.
 */
export async function openTreeSignings(config: SignetConfig): Promise<TreeSignings> {
  const logger = new Logger('LogKeys');
  const { dataDir, logPublicUrl } = config;
  const artifact = await openConfiguredSigner(
    {
      variable: 'LOG_KEY',
      ref: config.log.key,
      dir: dataDir,
      name: 'transparency-log',
      developmentKeys: config.developmentKeys,
    },
    logger,
  );
  let ct;
  try {
    ct = await openConfiguredSigner(
      {
        variable: 'CT_LOG_KEY',
        ref: config.log.ctKey,
        dir: dataDir,
        name: 'ct-log',
        developmentKeys: config.developmentKeys,
      },
      logger,
    );
  } catch (err) {
    await closeSigner(artifact);
    throw err;
  }
  if (ct.algorithm !== 'ecdsa-p256-sha256') {
    await Promise.all([closeSigner(artifact), closeSigner(ct)]);
    throw new ConfigError([
      `CT_LOG_KEY: must be an ECDSA P-256 key (RFC 6962 SCTs and tree heads are verified as ECDSA P-256 / SHA-256), got ${ct.algorithm}`,
    ]);
  }
  let v2;
  try {
    v2 = await openConfiguredSigner(
      {
        variable: 'LOG_V2_KEY',
        ref: config.log.v2Key,
        dir: dataDir,
        name: 'rekor-v2',
        developmentKeys: config.developmentKeys,
      },
      logger,
    );
  } catch (err) {
    await Promise.all([closeSigner(artifact), closeSigner(ct)]);
    throw err;
  }
  if (v2.algorithm !== 'ed25519' && v2.algorithm !== 'ecdsa-p256-sha256') {
    await Promise.all([closeSigner(artifact), closeSigner(ct), closeSigner(v2)]);
    throw new ConfigError([
      `LOG_V2_KEY: must be an Ed25519 or ECDSA P-256 key (C2SP signed notes), got ${v2.algorithm}`,
    ]);
  }
  return new Map<TreePurpose, TreeSigning>([
    ['artifact', rekorTreeSigning(artifact, logPublicUrl)],
    ['ct', ctTreeSigning(ct, logPublicUrl)],
    ['rekor-v2', rekorV2TreeSigning(v2, config.logV2PublicUrl)],
  ]);
}
