import type { Checkpoint, Signer } from '@app/signing';
import type { PreparedEntry } from './entry';
import type { TreePurpose } from '@app/schema';

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
 * (`log_entry.signed_entry_timestamp`). The core calls these inside the integration
 * transaction; each personality implements them for its purpose (`rekor-v1/rekor-signing.ts`,
 * `ct/ct-signing.ts`), and the composition root (`log-keys.ts`) hands them to the registry.
 */
export interface TreeSigning {
  readonly signer: Signer;
  /** The log ID of a new tree (default: SHA-256 of the key's DER SPKI, Rekor v1's and CT's). */
  readonly logId?: Uint8Array;
  origin(treeId: bigint): string;
  /** Signs the checkpoint reached by integrating `batch` (empty for a new tree). */
  signCheckpoint(checkpoint: Checkpoint, batch: readonly PreparedEntry[]): Promise<string>;
  signEntry(entry: PreparedEntry, position: EntryPosition): Promise<Buffer>;
}

/** Injection token of the {@link TreeSignings} the composition root opened. */
export const TREE_SIGNINGS = Symbol('TREE_SIGNINGS');

/** The signing of each tree purpose that the log serves, with its key open. */
export type TreeSignings = ReadonlyMap<TreePurpose, TreeSigning>;
