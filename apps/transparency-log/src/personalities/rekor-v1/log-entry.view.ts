import type { LogTree } from '@app/schema';
import type { StoredEntry } from '../../core/entry.repository';

/** Rekor v1 `LogEntry` value (the object under the entry UUID). */
export interface LogEntryBody {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  verification: {
    signedEntryTimestamp: string;
    inclusionProof: {
      logIndex: number;
      treeSize: number;
      rootHash: string;
      hashes: string[];
      checkpoint: string;
    };
  };
}

/** Rekor's entryUUID: the tree ID as 16 hex digits, then the leaf hash (rekor sharding.go). */
export function entryUuid(treeId: bigint, leafHash: Uint8Array): string {
  return treeId.toString(16).padStart(16, '0') + Buffer.from(leafHash).toString('hex');
}

/**
 * Builds the `{uuid: LogEntry}` answer: the SET made at integration, and `proof`, the inclusion
 * proof of the entry against `checkpoint`.
 */
export function logEntryView(
  tree: LogTree,
  entry: StoredEntry,
  checkpoint: { treeSize: bigint; rootHash: Buffer; note: string },
  proof: readonly Uint8Array[],
): Record<string, LogEntryBody> {
  const body = entry.body.toString('base64');
  const logID = tree.logId.toString('hex');
  return {
    [entryUuid(tree.id, entry.leafHash)]: {
      body,
      integratedTime: Number(entry.integratedTime),
      logID,
      logIndex: Number(entry.globalIndex),
      verification: {
        signedEntryTimestamp: entry.signedEntryTimestamp.toString('base64'),
        inclusionProof: {
          logIndex: Number(entry.leafIndex),
          treeSize: Number(checkpoint.treeSize),
          rootHash: checkpoint.rootHash.toString('hex'),
          hashes: proof.map((h) => Buffer.from(h).toString('hex')),
          checkpoint: checkpoint.note,
        },
      },
    },
  };
}
