import { CompactRange, HASH_SIZE } from '@app/merkle';
import type { StoredCheckpoint, TreeHead } from './tree.repository';

/** The 32-byte hashes of a stored right edge (`tree_state.right_edge`, concatenated). */
export function splitHashes(bytes: Buffer): Uint8Array[] {
  const hashes: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += HASH_SIZE) hashes.push(bytes.subarray(i, i + HASH_SIZE));
  return hashes;
}

/**
 * Why the stored head of a tree cannot be appended to, or undefined when it can: the tree is
 * frozen; its right edge does not hash to its root; or its size and root are not those of its
 * newest signed checkpoint. The log appends onto the right edge and signs the result, so an
 * edge or head changed behind its back would make it sign a fork (Trillian's sequencer makes the
 * same check against its signed root before it signs).
 */
export function headProblem(
  head: TreeHead,
  checkpoint: StoredCheckpoint | undefined,
): string | undefined {
  const id = head.tree.id;
  if (!head.active) return `tree ${id} is frozen: its signing key was replaced`;
  let edgeRoot: Uint8Array;
  try {
    edgeRoot = CompactRange.fromHashes(head.size, splitHashes(head.rightEdge)).root();
  } catch (err) {
    return `tree ${id}: the stored right edge does not fit size ${head.size} (${(err as Error).message})`;
  }
  if (!Buffer.from(edgeRoot).equals(head.rootHash)) {
    return `tree ${id}: the stored right edge does not hash to the stored root at size ${head.size}`;
  }
  if (checkpoint === undefined) return `tree ${id} has no signed checkpoint`;
  if (checkpoint.treeSize !== head.size || !checkpoint.rootHash.equals(head.rootHash)) {
    return `tree ${id}: the stored head (size ${head.size}) is not the newest signed checkpoint (size ${checkpoint.treeSize})`;
  }
  return undefined;
}
