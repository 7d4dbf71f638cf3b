import { checkSize, copyBytes } from './bits';
import { MerkleError } from './errors';
import { compactRangeNodes, describeNode, type NodeId, nodeRange } from './nodes';
import { consistencyNodes, inclusionNodes, type ProofNodes } from './proof';
import { checkHash, emptyRoot, HASH_SIZE, hashChildren, rootFromLeafHashes } from './rfc6962';

/**
 * A Merkle tree held in memory with every perfect-subtree hash stored (one byte array per level),
 * so proofs cost only O(log n) copies. For tests, tools and benchmarks; the log reads tiles instead.
 */
export class MemoryTree {
  private readonly levels: Uint8Array[] = [];
  private readonly counts: number[] = [];

  /** Returns a tree holding `leafHashes` (32 bytes each; `INVALID_HASH` otherwise). */
  static fromLeafHashes(leafHashes: readonly Uint8Array[]): MemoryTree {
    const tree = new MemoryTree();
    for (const leafHash of leafHashes) tree.append(leafHash);
    return tree;
  }

  /** Number of leaves. */
  get size(): bigint {
    return BigInt(this.counts[0] ?? 0);
  }

  /** Appends one 32-byte leaf hash (`INVALID_HASH` otherwise), storing every node it completes. */
  append(leafHash: Uint8Array): void {
    checkHash('leafHash', leafHash);
    let hash = leafHash;
    for (let level = 0; ; level++) {
      const index = this.store(level, hash);
      if (index % 2 === 0) return;
      hash = hashChildren(this.view(level, index - 1), hash);
    }
  }

  /**
   * Returns a copy of the hash of perfect node `id`. Requires the node to lie within the tree
   * (`(index + 1) * 2^level <= size`); throws `INVALID_NODE` otherwise.
   */
  nodeHash(id: NodeId): Uint8Array {
    const count = this.counts[id.level] ?? 0;
    if (id.index < 0n || id.index >= BigInt(count)) {
      throw new MerkleError(
        'INVALID_NODE',
        `${describeNode(id)} is not a complete subtree of this tree of size ${this.size}`,
      );
    }
    return copyBytes(this.view(id.level, Number(id.index)));
  }

  /**
   * Returns the root hash of the first `treeSize` leaves (RFC 6962 §2.1). Requires
   * `0 <= treeSize <= size`; throws `INVALID_SIZE` otherwise.
   */
  rootHash(treeSize: bigint = this.size): Uint8Array {
    this.checkTreeSize('treeSize', treeSize);
    const peaks = compactRangeNodes(treeSize).map((id) => this.nodeHash(id));
    return peaks.length === 0
      ? emptyRoot()
      : peaks.reduceRight((right, left) => hashChildren(left, right));
  }

  /**
   * Returns the inclusion proof of leaf `leafIndex` in the tree of the first `treeSize` leaves
   * (RFC 9162 §2.1.3.1). Requires `0 <= leafIndex < treeSize <= size`.
   */
  inclusionProof(leafIndex: bigint, treeSize: bigint = this.size): Uint8Array[] {
    this.checkTreeSize('treeSize', treeSize);
    return this.build(inclusionNodes(leafIndex, treeSize));
  }

  /**
   * Returns the consistency proof between the first `size1` and the first `size2` leaves
   * (RFC 9162 §2.1.4.1). Requires `0 < size1 <= size2 <= size`.
   */
  consistencyProof(size1: bigint, size2: bigint = this.size): Uint8Array[] {
    this.checkTreeSize('size2', size2);
    return this.build(consistencyNodes(size1, size2));
  }

  private build(nodes: ProofNodes): Uint8Array[] {
    return nodes.rehash(nodes.ids.map((id) => this.nodeHash(id)));
  }

  private checkTreeSize(name: string, treeSize: bigint): void {
    checkSize(name, treeSize);
    if (treeSize > this.size) {
      throw new MerkleError(
        'INVALID_SIZE',
        `${name} ${treeSize} is greater than the tree's size ${this.size}`,
      );
    }
  }

  private view(level: number, index: number): Uint8Array {
    return this.levels[level]!.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }

  /** Appends `hash` at `level` and returns its index there. */
  private store(level: number, hash: Uint8Array): number {
    const index = this.counts[level] ?? 0;
    let bytes = this.levels[level];
    if (!bytes || bytes.length < (index + 1) * HASH_SIZE) {
      // Doubling keeps appends amortised O(1) and the whole tree in 2n hashes' worth of bytes.
      const grown = new Uint8Array(Math.max(64, 2 * index) * HASH_SIZE);
      if (bytes) grown.set(bytes);
      this.levels[level] = bytes = grown;
    }
    bytes.set(hash, index * HASH_SIZE);
    this.counts[level] = index + 1;
    return index;
  }
}

/**
 * Returns the inclusion proof of leaf `leafIndex` in the tree of the first `treeSize` of
 * `leafHashes` (RFC 9162 §2.1.3.1), hashing each needed subtree from the leaves: O(treeSize)
 * work, no state. Requires `0 <= leafIndex < treeSize <= leafHashes.length`.
 */
export function inclusionProof(
  leafHashes: readonly Uint8Array[],
  leafIndex: bigint,
  treeSize: bigint,
): Uint8Array[] {
  checkListSize('treeSize', treeSize, leafHashes);
  return fromLeaves(leafHashes, inclusionNodes(leafIndex, treeSize));
}

/**
 * Returns the consistency proof between the first `size1` and the first `size2` of `leafHashes`
 * (RFC 9162 §2.1.4.1), hashing each needed subtree from the leaves: O(size2) work, no state.
 * Requires `0 < size1 <= size2 <= leafHashes.length`.
 */
export function consistencyProof(
  leafHashes: readonly Uint8Array[],
  size1: bigint,
  size2: bigint,
): Uint8Array[] {
  checkListSize('size2', size2, leafHashes);
  return fromLeaves(leafHashes, consistencyNodes(size1, size2));
}

function checkListSize(name: string, treeSize: bigint, leafHashes: readonly Uint8Array[]): void {
  if (treeSize > BigInt(leafHashes.length)) {
    throw new MerkleError(
      'INVALID_SIZE',
      `${name} ${treeSize} is greater than the ${leafHashes.length} leaf hashes given`,
    );
  }
}

function fromLeaves(leafHashes: readonly Uint8Array[], nodes: ProofNodes): Uint8Array[] {
  const hashes = nodes.ids.map((id) => {
    const { begin, end } = nodeRange(id);
    return rootFromLeafHashes(leafHashes.slice(Number(begin), Number(end)));
  });
  return nodes.rehash(hashes);
}
