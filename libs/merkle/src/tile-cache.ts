import { LRUCache } from 'lru-cache';
import type { GetTile } from './reader';
import { HASH_SIZE } from './rfc6962';

/**
 * Reads a tile as stored now: at least `width` hashes (tiles only grow), possibly more. Must
 * throw when the tile is missing or narrower than `width`.
 */
export type ReadStoredTile = (
  tileLevel: number,
  tileIndex: bigint,
  width: number,
) => Promise<Uint8Array>;

/**
 * A least-recently-used cache of hash tiles, bounded in bytes, shared by the readers of a
 * process. Caching is safe without invalidation because a tile's first `w` hashes never change
 * once written (C2SP tlog-tiles): an entry serves every width up to the one it holds, and a
 * reader needing more hashes than cached reads the tile again and keeps the wider copy. The
 * upper tiles every proof touches therefore stay in memory, and a proof at a tree of 10^6
 * entries costs one read (its level-0 tile) instead of three.
 */
export class TileCache {
  private readonly lru: LRUCache<string, Uint8Array> | undefined;

  /** `maxBytes` 0 disables the cache: every read goes to the store. */
  constructor(readonly maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0)
      throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
    this.lru =
      maxBytes === 0
        ? undefined
        : new LRUCache({ maxSize: maxBytes, sizeCalculation: (tile) => Math.max(1, tile.length) });
  }

  /** Bytes held now. */
  get size(): number {
    return this.lru?.calculatedSize ?? 0;
  }

  /** A {@link GetTile} for the tree `treeKey` that reads through the cache. */
  reader(treeKey: string, read: ReadStoredTile): GetTile {
    const lru = this.lru;
    if (lru === undefined)
      return async (l, i, w) => (await read(l, i, w)).subarray(0, w * HASH_SIZE);
    return async (tileLevel, tileIndex, width) => {
      const key = `${treeKey}/${tileLevel}/${tileIndex}`;
      const bytes = width * HASH_SIZE;
      const cached = lru.get(key);
      if (cached !== undefined && cached.length >= bytes) return cached.subarray(0, bytes);
      const stored = await read(tileLevel, tileIndex, width);
      // A racing reader may have cached a wider copy meanwhile: keep the widest.
      if (stored.length > (lru.peek(key)?.length ?? 0)) lru.set(key, stored);
      return stored.subarray(0, bytes);
    };
  }
}
