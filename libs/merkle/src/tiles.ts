import { checkSize } from './bits';
import { MerkleError } from './errors';
import { MAX_LEVEL, type NodeId } from './nodes';

/** Merkle levels spanned by one tile (C2SP tlog-tiles "Merkle Tree"): a tile is a subtree of height 8. */
export const TILE_HEIGHT = 8;

/** Hashes in a full tile, 2^{@link TILE_HEIGHT} (8,192 bytes), and entries in a full entry bundle. */
export const TILE_WIDTH = 256;

/** Highest tile level a tlog-tiles path may name. */
export const MAX_TILE_LEVEL = 63;

/**
 * One tile of a tree of a given size: tile `tileIndex` at `tileLevel` holds the hashes of Merkle
 * level `8 * tileLevel`, nodes `[tileIndex * 256, tileIndex * 256 + width)`. `width` is 256 for a
 * full tile and 1..255 for a partial one (C2SP tlog-tiles "Partial Tiles").
 */
export interface TileId {
  readonly tileLevel: number;
  readonly tileIndex: bigint;
  readonly width: number;
}

/**
 * Where a node's hash comes from: the hashes `[begin, end)` of tile `tileIndex` at `tileLevel`.
 * A node at Merkle level `8 * tileLevel + k` is the root of those `2^k` consecutive hashes; for
 * k = 0 it is the single hash at `begin`.
 */
export interface NodeLocation {
  readonly tileLevel: number;
  readonly tileIndex: bigint;
  readonly begin: number;
  readonly end: number;
}

/**
 * Returns which tile holds the hashes that node `id` is computed from (C2SP tlog-tiles: tile n at
 * level l holds MTH of `D[(n*256 + i) * 256^l : (n*256 + i + 1) * 256^l]`). For a leaf
 * (level 0), `tileIndex` is also its entry bundle and `begin` its offset in it. Requires
 * `0 <= id.level <= 63`; throws `INVALID_NODE` otherwise.
 */
export function nodeLocation(id: NodeId): NodeLocation {
  if (!Number.isInteger(id.level) || id.level < 0 || id.level > MAX_LEVEL || id.index < 0n) {
    throw new MerkleError(
      'INVALID_NODE',
      `node (level ${id.level}, index ${id.index}) is not a valid node id`,
    );
  }
  const tileLevel = Math.floor(id.level / TILE_HEIGHT);
  const height = id.level % TILE_HEIGHT;
  // Position of the node's first descendant in the tile's bottom row (Merkle level 8 * tileLevel).
  const first = id.index << BigInt(height);
  const begin = Number(first & BigInt(TILE_WIDTH - 1));
  return { tileLevel, tileIndex: first >> BigInt(TILE_HEIGHT), begin, end: begin + (1 << height) };
}

/**
 * Returns how many hashes tile `tileIndex` at `tileLevel` holds in a tree of `treeSize` leaves:
 * 256 when full, 1..255 when partial (`floor(treeSize / 256^tileLevel) mod 256`, C2SP tlog-tiles),
 * 0 when the tile does not exist yet. Requires `0 <= treeSize < 2^64`, `tileIndex >= 0` and
 * `0 <= tileLevel <= 63`.
 */
export function tileWidth(tileLevel: number, tileIndex: bigint, treeSize: bigint): number {
  checkSize('treeSize', treeSize);
  checkTileLevel(tileLevel);
  if (tileIndex < 0n) throw new MerkleError('INVALID_TILE', `tileIndex ${tileIndex} is negative`);
  const remaining = hashesAtTileLevel(tileLevel, treeSize) - tileIndex * BigInt(TILE_WIDTH);
  if (remaining <= 0n) return 0;
  return remaining >= BigInt(TILE_WIDTH) ? TILE_WIDTH : Number(remaining);
}

/**
 * Returns the number of tiles, full or partial, at `tileLevel` in a tree of `treeSize` leaves.
 * Requires `0 <= treeSize < 2^64` and `0 <= tileLevel <= 63`.
 */
export function tileCount(tileLevel: number, treeSize: bigint): bigint {
  checkSize('treeSize', treeSize);
  checkTileLevel(tileLevel);
  const hashes = hashesAtTileLevel(tileLevel, treeSize);
  return (hashes + BigInt(TILE_WIDTH - 1)) / BigInt(TILE_WIDTH);
}

/**
 * Returns the partial tiles on the right edge of a tree of `treeSize` leaves, lowest level first:
 * at each level whose hash count is not a multiple of 256, the last tile with width
 * `floor(treeSize / 256^level) mod 256` (C2SP tlog-tiles "Partial Tiles"; e.g. size 70,000 has
 * widths 112, 17 and 1). Every other tile of the tree is full. Requires `0 <= treeSize < 2^64`.
 */
export function partialTiles(treeSize: bigint): TileId[] {
  checkSize('treeSize', treeSize);
  const tiles: TileId[] = [];
  for (let tileLevel = 0; hashesAtTileLevel(tileLevel, treeSize) > 0n; tileLevel++) {
    const hashes = hashesAtTileLevel(tileLevel, treeSize);
    const width = Number(hashes % BigInt(TILE_WIDTH));
    if (width > 0) tiles.push({ tileLevel, tileIndex: hashes / BigInt(TILE_WIDTH), width });
  }
  return tiles;
}

/** Throws `INVALID_TILE` unless `tileLevel` is an integer in 0..63. */
export function checkTileLevel(tileLevel: number): void {
  if (!Number.isInteger(tileLevel) || tileLevel < 0 || tileLevel > MAX_TILE_LEVEL) {
    throw new MerkleError(
      'INVALID_TILE',
      `tileLevel ${tileLevel} is out of range (requires 0 <= tileLevel <= ${MAX_TILE_LEVEL})`,
    );
  }
}

/** Number of complete nodes at Merkle level 8 * tileLevel, i.e. floor(treeSize / 256^tileLevel). */
function hashesAtTileLevel(tileLevel: number, treeSize: bigint): bigint {
  return treeSize >> BigInt(TILE_HEIGHT * tileLevel);
}
