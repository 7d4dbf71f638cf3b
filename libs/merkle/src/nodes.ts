import { bitLength, checkSize, trailingZeros } from './bits';
import { MerkleError } from './errors';

/**
 * Identifies one node of a Merkle tree: `level` 0 holds the leaves, and `index` counts nodes from
 * the left at that level, so node (level, index) is the root of the perfect subtree over leaves
 * `[index * 2^level, (index + 1) * 2^level)`. Only such perfect subtrees are ever stored.
 */
export interface NodeId {
  readonly level: number;
  readonly index: bigint;
}

/** Highest level a node can have in a tree of fewer than 2^64 leaves. */
export const MAX_LEVEL = 63;

/**
 * Returns the node id (level, index). Requires `0 <= level <= 63` (an integer) and
 * `0 <= index < 2^(64 - level)`; throws `INVALID_NODE` otherwise.
 */
export function nodeId(level: number, index: bigint): NodeId {
  if (!Number.isInteger(level) || level < 0 || level > MAX_LEVEL) {
    throw new MerkleError(
      'INVALID_NODE',
      `node level ${level} is out of range (requires 0 <= level <= ${MAX_LEVEL})`,
    );
  }
  if (index < 0n || index >= 1n << BigInt(64 - level)) {
    throw new MerkleError('INVALID_NODE', `node index ${index} is out of range for level ${level}`);
  }
  return { level, index };
}

/** Returns the leaf range `[begin, end)` that node `id` spans (the perfect subtree it roots). */
export function nodeRange(id: NodeId): { begin: bigint; end: bigint } {
  const shift = BigInt(id.level);
  return { begin: id.index << shift, end: (id.index + 1n) << shift };
}

/** Returns a short description like `node (level 3, index 5)` for error messages. */
export function describeNode(id: NodeId): string {
  return `node (level ${id.level}, index ${id.index})`;
}

/**
 * Returns the fewest perfect subtrees that exactly cover leaves `[begin, end)`, left to right
 * (their levels first rise, then fall). This is the node set of a compact range
 * (transparency-dev/merkle docs/compact_ranges.md). Requires `0 <= begin <= end < 2^64`.
 */
export function rangeNodes(begin: bigint, end: bigint): NodeId[] {
  checkSize('begin', begin);
  checkSize('end', end);
  if (begin > end) {
    throw new MerkleError('INVALID_SIZE', `range begin ${begin} is greater than its end ${end}`);
  }
  const ids: NodeId[] = [];
  for (let position = begin; position < end;) {
    // Greedily take the largest subtree that is aligned at `position` and still fits before `end`.
    const fits = bitLength(end - position) - 1;
    const level = position === 0n ? fits : Math.min(trailingZeros(position), fits);
    ids.push({ level, index: position >> BigInt(level) });
    position += 1n << BigInt(level);
  }
  return ids;
}

/**
 * Returns the ids of the perfect subtrees along the right edge of a tree of `treeSize` leaves
 * (one per set bit of `treeSize`, largest and leftmost first): the nodes a storage-backed log reads
 * to rebuild its compact range (`CompactRange.fromHashes`). Requires `0 <= treeSize < 2^64`.
 */
export function compactRangeNodes(treeSize: bigint): NodeId[] {
  return rangeNodes(0n, treeSize);
}
