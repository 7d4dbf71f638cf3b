import {
  rekorCheckpointOrigin,
  rekorKeyName,
  signCheckpoint,
  signEntryTimestamp,
  type Signer,
} from '@app/signing';
import type { TreeSigning } from '../../core/tree-signing';

/**
 * Artifact trees (Rekor v1): origin `<host[:port]> - <treeID>`, checkpoints signed under the key
 * name `<host[:port]>` with Rekor's key ID, and a signed entry timestamp (SET) per entry.
 */
export function rekorTreeSigning(signer: Signer, publicUrl: string): TreeSigning {
  const keyName = rekorKeyName(publicUrl);
  return {
    signer,
    origin: (treeId) => rekorCheckpointOrigin(publicUrl, treeId),
    signCheckpoint: (checkpoint) => signCheckpoint(signer, keyName, checkpoint),
    signEntry: async (entry, { integratedTime, logId, globalIndex }) =>
      Buffer.from(
        await signEntryTimestamp(signer, {
          body: entry.body.toString('base64'),
          integratedTime,
          logID: logId.toString('hex'),
          logIndex: globalIndex,
        }),
      ),
  };
}
