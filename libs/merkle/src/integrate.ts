import { BatchProofs } from './batch-proofs';
import { CompactRange } from './compact';
import { HASH_SIZE } from './rfc6962';
import { TILE_HEIGHT } from './tiles';

/**
 * Hashes one integration appends to one tile (C2SP tlog-tiles "Merkle Tree Tiles"): the tile's
 * new node hashes, 32 bytes each, concatenated in index order. The log stores a tile as the
 * concatenation of its hashes, so appending `hashes` to the tile's stored bytes (or storing them
 * as a new tile) gives the tile at the new tree size.
 */
export interface TileAppend {
  tileLevel: number;
  tileIndex: bigint;
  /** Concatenated 32-byte node hashes, to append at the tile's end. */
  hashes: Uint8Array;
}

/** What appending a batch of leaves to a tree produces; see `integrate`. */
export interface Integration {
  /** Size of the tree after the append. */
  treeSize: bigint;
  /** MTH(D[0:treeSize]) (RFC 6962 §2.1). */
  rootHash: Uint8Array;
  /** The compact range of the new tree: one hash per set bit of `treeSize`, largest first. */
  rightEdge: readonly Uint8Array[];
  /** Every tile the append touched (full or partial), with only the hashes it added. */
  tileAppends: TileAppend[];
  /** Inclusion proofs (RFC 9162 §2.1.3.1) of the appended leaves against `treeSize`. */
  proofs: BatchProofs;
}

/**
 * Appends `leafHashes` to the tree of `fromSize` leaves whose compact range is `rightEdge`
 * (its perfect-subtree hashes in `compactRangeNodes(fromSize)` order, as `CompactRange.hashes`
 * gives them) and returns the new tree head, right edge, tile appends and inclusion proofs.
 *
 * The shape of transparency-dev/tessera's `Integrate`, without its `getTiles`: the log stores
 * tiles by appending hashes to them, so nothing of the existing tree beyond its compact range is
 * read. Leaf `k` of `leafHashes` gets leaf index `fromSize + k`. Requires 32-byte hashes and
 * `rightEdge.length === popCount(fromSize)` (`MerkleError` `INVALID_HASH` / `INVALID_SIZE`
 * otherwise). Pure: the inputs are copied, never modified.
 */
export function integrate(
  fromSize: bigint,
  rightEdge: readonly Uint8Array[],
  leafHashes: readonly Uint8Array[],
): Integration {
  const range = CompactRange.fromHashes(fromSize, rightEdge);
  const proofs = new BatchProofs(range.size, range.hashes);
  const tiles = new Map<string, { tileLevel: number; tileIndex: bigint; parts: Uint8Array[] }>();
  // Nodes at levels 0, 8, 16, ... are the hashes tiles store (tlog-tiles: tile level L holds
  // the nodes of level 8L, 256 to a tile).
  const visit = (level: number, index: bigint, hash: Uint8Array): void => {
    proofs.visit(level, index, hash);
    if (level % TILE_HEIGHT !== 0) return;
    const tileLevel = level / TILE_HEIGHT;
    const tileIndex = index >> BigInt(TILE_HEIGHT);
    const key = `${tileLevel}/${tileIndex}`;
    let tile = tiles.get(key);
    if (tile === undefined) tiles.set(key, (tile = { tileLevel, tileIndex, parts: [] }));
    tile.parts.push(hash);
  };
  for (const leafHash of leafHashes) range.append(leafHash, visit);
  return {
    treeSize: range.size,
    rootHash: range.root(),
    rightEdge: range.hashes.slice(),
    tileAppends: [...tiles.values()].map(({ tileLevel, tileIndex, parts }) => ({
      tileLevel,
      tileIndex,
      hashes: concat(parts),
    })),
    proofs,
  };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.length * HASH_SIZE);
  parts.forEach((part, i) => out.set(part, i * HASH_SIZE));
  return out;
}
