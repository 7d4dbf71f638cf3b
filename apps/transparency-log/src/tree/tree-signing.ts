import {
  type Checkpoint,
  ctLogId,
  formatCheckpoint,
  rekorCheckpointOrigin,
  rekorKeyName,
  signCheckpoint,
  signEntryTimestamp,
  type Signer,
  signNote,
} from '@app/signing';
import { rfc6962NoteSigner } from '../ct/tree-head';
import type { PreparedEntry } from './entry';

/** Where an entry lands, for the signature stored with it. */
export interface EntryPosition {
  /** Unix seconds of the batch's integration. */
  integratedTime: bigint;
  logId: Buffer;
  globalIndex: bigint;
}

/**
 * How the trees of one purpose are named and signed: the checkpoint origin of a new tree, the
 * signed note stored as each checkpoint, and the signature stored with each entry
 * (`log_entry.signed_entry_timestamp`).
 */
export interface TreeSigning {
  readonly signer: Signer;
  origin(treeId: bigint): string;
  /** Signs the checkpoint reached by integrating `batch` (empty for a new tree). */
  signCheckpoint(checkpoint: Checkpoint, batch: readonly PreparedEntry[]): Promise<string>;
  signEntry(entry: PreparedEntry, position: EntryPosition): Promise<Buffer>;
}

/**
 * Artifact trees (Rekor v1): origin `<host[:port]> - <treeID>`, checkpoints signed under the key
 * name `<host[:port]>` with Rekor's key ID, and a signed entry timestamp (SET) per entry.
 */
export function artifactTreeSigning(signer: Signer, publicUrl: string): TreeSigning {
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

/**
 * Certificate-transparency trees (RFC 6962): origin `<host[:port]>/ct/<treeID>` (no spaces, so
 * that it is also the note key name, as static-ct-api requires). Each checkpoint carries one
 * static-ct-api RFC6962NoteSignature, i.e. the RFC 6962 §3.5 tree head signature `get-sth`
 * serves; its timestamp is never older than an SCT in the batch. Entries arrive with their SCT
 * signature already made (the SCT and the Merkle leaf share its timestamp), which is stored.
 */
export function ctTreeSigning(signer: Signer, publicUrl: string): TreeSigning {
  const logId = ctLogId(signer.publicKey);
  return {
    signer,
    origin: (treeId) => `${rekorKeyName(publicUrl)}/ct/${treeId}`,
    signCheckpoint: (checkpoint, batch) => {
      let timestamp = BigInt(Date.now());
      for (const entry of batch) {
        const sct = entry.presigned?.timestamp ?? 0n;
        if (sct > timestamp) timestamp = sct;
      }
      return signNote(formatCheckpoint(checkpoint), [
        rfc6962NoteSigner(signer, checkpoint.origin, logId, timestamp),
      ]);
    },
    signEntry: (entry) => {
      if (entry.presigned === undefined) {
        return Promise.reject(new Error('a CT entry must arrive with its SCT signature'));
      }
      return Promise.resolve(entry.presigned.signature);
    },
  };
}
