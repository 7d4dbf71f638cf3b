import { Logger } from '@nestjs/common';
import { closeSigner, ConfigError, openConfiguredSigner, type SignetConfig } from '@app/platform';
import type { TreePurpose } from '@app/schema';
import type { Signer, SignatureAlgorithm } from '@app/signing';
import type { TreeSigning, TreeSignings } from './core/tree-signing';
import { ctTreeSigning } from './personalities/ct/ct-signing';
import { rekorTreeSigning } from './personalities/rekor-v1/rekor-signing';
import { rekorV2TreeSigning } from './personalities/rekor-v2/rekor-v2-signing';

/** One tree purpose's key: its variable, development key name, algorithms and signing. */
interface PurposeKey {
  purpose: TreePurpose;
  variable: 'LOG_KEY' | 'CT_LOG_KEY' | 'LOG_V2_KEY';
  name: string;
  /** The algorithms its clients verify, with why; undefined: any key Signet signs with. */
  algorithms?: { allowed: readonly SignatureAlgorithm[]; why: string };
  signing(signer: Signer, config: SignetConfig): TreeSigning;
}

/**
 * The composition root's keys: LOG_KEY signs artifact (Rekor v1) trees, CT_LOG_KEY (ECDSA P-256
 * only) signs CT trees, LOG_V2_KEY (Ed25519 or ECDSA P-256) signs Rekor v2 shards; an unset key
 * is a development key under SIGNET_DATA_DIR/keys, with a warning. A new tree purpose adds its
 * line here and its value in the schema's purpose list.
 */
const PURPOSE_KEYS: readonly PurposeKey[] = [
  {
    purpose: 'artifact',
    variable: 'LOG_KEY',
    name: 'transparency-log',
    signing: (signer, config) => rekorTreeSigning(signer, config.logPublicUrl),
  },
  {
    purpose: 'ct',
    variable: 'CT_LOG_KEY',
    name: 'ct-log',
    algorithms: {
      allowed: ['ecdsa-p256-sha256'],
      why: 'must be an ECDSA P-256 key (RFC 6962 SCTs and tree heads are verified as ECDSA P-256 / SHA-256)',
    },
    signing: (signer, config) => ctTreeSigning(signer, config.logPublicUrl),
  },
  {
    purpose: 'rekor-v2',
    variable: 'LOG_V2_KEY',
    name: 'rekor-v2',
    algorithms: {
      allowed: ['ed25519', 'ecdsa-p256-sha256'],
      why: 'must be an Ed25519 or ECDSA P-256 key (C2SP signed notes)',
    },
    signing: (signer, config) => rekorV2TreeSigning(signer, config.logV2PublicUrl),
  },
];

/**
 * Opens every purpose's key (see {@link PURPOSE_KEYS}). Throws {@link ConfigError} naming the
 * variable of a key of the wrong type; on any failure, the keys already opened are closed.
 */
export async function openTreeSignings(config: SignetConfig): Promise<TreeSignings> {
  const logger = new Logger('LogKeys');
  const opened: Signer[] = [];
  const signings = new Map<TreePurpose, TreeSigning>();
  try {
    for (const key of PURPOSE_KEYS) {
      const signer = await openConfiguredSigner(
        {
          variable: key.variable,
          ref: config.log[keyRefField[key.variable]],
          dir: config.dataDir,
          name: key.name,
          developmentKeys: config.developmentKeys,
        },
        logger,
      );
      opened.push(signer);
      if (key.algorithms !== undefined && !key.algorithms.allowed.includes(signer.algorithm)) {
        throw new ConfigError([`${key.variable}: ${key.algorithms.why}, got ${signer.algorithm}`]);
      }
      signings.set(key.purpose, key.signing(signer, config));
    }
  } catch (err) {
    await Promise.all(opened.map(closeSigner));
    throw err;
  }
  return signings;
}

const keyRefField = { LOG_KEY: 'key', CT_LOG_KEY: 'ctKey', LOG_V2_KEY: 'v2Key' } as const;
