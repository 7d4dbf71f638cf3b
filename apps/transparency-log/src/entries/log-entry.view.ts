import type { TileReader } from '@app/merkle';
import type { LogTree } from '../tree/tree.entities';
import type { StoredEntry } from '../tree/tree.repository';

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
 * Builds the `{uuid: LogEntry}` answer: the SET made at integration, and an inclusion proof
 * (from tiles) against `checkpoint`.
 */
export async function logEntryView(
  tree: LogTree,
  entry: StoredEntry,
  checkpoint: { treeSize: bigint; rootHash: Buffer; note: string },
  reader: TileReader,
): Promise<Record<string, LogEntryBody>> {
  const body = entry.body.toString('base64');
  const logID = tree.logId.toString('hex');
  const proof = await reader.inclusionProof(entry.leafIndex, checkpoint.treeSize);
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
