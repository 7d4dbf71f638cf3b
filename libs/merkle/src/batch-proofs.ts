import { inclusionNodes } from './proof';

/**
 * The inclusion proofs of the leaves one batch appended, against the tree size the batch
 * reached, from the hashes its integration computes anyway: the old compact range and every
 * perfect node the appends completed (a `CompactRange` visitor), so no tile is read.
 *
 * Each node of such a proof is either completed by the batch (it ends after `fromSize`) or lies
 * wholly before `fromSize`: then it is the left sibling of a node that straddles `fromSize`, or
 * ends at it, which makes it one of the old compact range's perfect subtrees. The proof is the
 * RFC 9162 §2.1.3.1 proof built from the same node hashes a `TileReader` reads, so it is the
 * same proof; a node that is somehow missing gives `undefined`, never another proof.
 */
export class BatchProofs {
  /** `levels[l][j]`: hash of node (l, base(l) + j), where base(l) = (fromSize >> l) − 1. */
  private readonly levels: Array<Array<Uint8Array | undefined>> = [];
  private size: bigint;

  /**
   * Starts from the compact range of `fromSize` leaves: its hashes in `compactRangeNodes`
   * order (largest first), one per set bit of `fromSize`.
   */
  constructor(
    private readonly fromSize: bigint,
    oldRange: readonly Uint8Array[],
  ) {
    this.size = fromSize;
    let next = 0;
    for (let level = 63; level >= 0; level--) {
      if (((fromSize >> BigInt(level)) & 1n) === 1n) this.slot(level)[0] = oldRange[next++];
    }
  }

  /** A `CompactRange` visitor: records each node an append completes. */
  readonly visit = (level: number, index: bigint, hash: Uint8Array): void => {
    this.slot(level)[Number(index - this.base(level))] = hash;
    if (level === 0) this.size = index + 1n;
  };

  /**
   * The inclusion proof of `leafIndex` in the tree of all leaves visited so far. Requires
   * `fromSize <= leafIndex < size`; undefined otherwise.
   */
  inclusionProof(leafIndex: bigint): Uint8Array[] | undefined {
    if (leafIndex < this.fromSize || leafIndex >= this.size) return undefined;
    const nodes = inclusionNodes(leafIndex, this.size);
    const hashes: Uint8Array[] = [];
    for (const { level, index } of nodes.ids) {
      const offset = index - this.base(level);
      const hash = offset >= 0n ? this.levels[level]?.[Number(offset)] : undefined;
      if (hash === undefined) return undefined;
      hashes.push(hash);
    }
    return nodes.rehash(hashes);
  }

  /** The size of the tree the proofs are against. */
  get treeSize(): bigint {
    return this.size;
  }

  private base(level: number): bigint {
    return (this.fromSize >> BigInt(level)) - 1n;
  }

  private slot(level: number): Array<Uint8Array | undefined> {
    while (this.levels.length <= level) this.levels.push([]);
    return this.levels[level]!;
  }
}
