import { checkSize, copyBytes, popCount } from './bits';
import { MerkleError } from './errors';
import { checkHash, emptyRoot, hashChildren } from './rfc6962';

/**
 * Receives each perfect node that an append completes: the appended leaf itself (level 0), then
 * every parent that became complete, bottom-up. The log writes the ones at levels 0, 8, 16, ...
 * into tiles. The hash must not be modified.
 */
export type NodeVisitor = (level: number, index: bigint, hash: Uint8Array) => void;

/**
 * The right edge of a Merkle tree: one hash per perfect subtree of the tree's compact range
 * `[0, size)` (transparency-dev/merkle docs/compact_ranges.md), enough to append leaves and to
 * compute the RFC 6962 §2.1 root at the current size without the rest of the tree.
 */
export class CompactRange {
  private constructor(
    private currentSize: bigint,
    private readonly peaks: Uint8Array[],
  ) {}

  /** Returns the compact range of the empty tree. */
  static empty(): CompactRange {
    return new CompactRange(0n, []);
  }

  /**
   * Returns the compact range of a tree of `size` leaves from the hashes of its right-edge perfect
   * subtrees, in the order of `compactRangeNodes(size)` (largest first). Requires
   * `0 <= size < 2^64` (`INVALID_SIZE`), one 32-byte hash per set bit of `size` (`INVALID_SIZE`,
   * `INVALID_HASH`). The hashes are copied.
   */
  static fromHashes(size: bigint, hashes: readonly Uint8Array[]): CompactRange {
    checkSize('size', size);
    const expected = popCount(size);
    if (hashes.length !== expected) {
      throw new MerkleError(
        'INVALID_SIZE',
        `compact range of size ${size} needs ${expected} hashes (one per set bit of the size), got ${hashes.length}`,
      );
    }
    hashes.forEach((hash, i) => checkHash(`compact range hash ${i}`, hash));
    return new CompactRange(size, hashes.map(copyBytes));
  }

  /** Number of leaves appended so far. */
  get size(): bigint {
    return this.currentSize;
  }

  /** The right-edge perfect-subtree hashes, largest (leftmost) first; must not be modified. */
  get hashes(): readonly Uint8Array[] {
    return this.peaks;
  }

  /**
   * Appends one leaf hash, calling `visitor` with each perfect node this completes. Requires a
   * 32-byte hash (`INVALID_HASH`) and `size < 2^64 - 1` (`INVALID_SIZE`). Costs one
   * `hashChildren` per trailing one bit of the old size.
   */
  append(leafHash: Uint8Array, visitor?: NodeVisitor): void {
    checkHash('leafHash', leafHash);
    checkSize('size after append', this.currentSize + 1n);
    let index = this.currentSize;
    let hash = copyBytes(leafHash);
    visitor?.(0, index, hash);
    // A node with an odd index is a right child: its left sibling is the last peak, and merging
    // them completes the parent.
    for (let level = 1; (index & 1n) === 1n; level++) {
      hash = hashChildren(this.peaks.pop()!, hash);
      index >>= 1n;
      visitor?.(level, index, hash);
    }
    this.peaks.push(hash);
    this.currentSize++;
  }

  /**
   * Returns the root hash MTH(D[0:size]) (RFC 6962 §2.1): the peaks hashed together from the right,
   * or `emptyRoot()` when the range is empty.
   */
  root(): Uint8Array {
    const peaks = this.peaks;
    if (peaks.length === 0) return emptyRoot();
    let root = peaks[peaks.length - 1]!;
    for (let i = peaks.length - 2; i >= 0; i--) root = hashChildren(peaks[i]!, root);
    return peaks.length === 1 ? copyBytes(root) : root;
  }

  /** Returns an independent copy, for trying appends without committing them. */
  clone(): CompactRange {
    return new CompactRange(this.currentSize, this.peaks.slice());
  }
}
