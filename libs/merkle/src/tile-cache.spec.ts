import { MemoryTree } from './memory';
import { TileReader } from './reader';
import { HASH_SIZE } from './rfc6962';
import { sameHashes, TileStore } from './testing/helpers';
import { testLeafHashes } from './testing/reference';
import { TILE_WIDTH } from './tiles';
import { TileCache } from './tile-cache';

const FULL_TILE = TILE_WIDTH * HASH_SIZE;

/** A store whose reads are counted per tile, as the database's would be. */
function countingStore(store: TileStore) {
  const reads = new Map<string, number>();
  const read = (tileLevel: number, tileIndex: bigint, width: number) => {
    const key = `${tileLevel}/${tileIndex}`;
    reads.set(key, (reads.get(key) ?? 0) + 1);
    return store.readStored(tileLevel, tileIndex, width);
  };
  return { reads, read };
}

describe(TileCache.name, () => {
  it('serves the same proofs as the store while the tree grows and partial tiles widen', async () => {
    const leafHashes = testLeafHashes(70_000);
    const memory = MemoryTree.fromLeafHashes(leafHashes);
    const store = new TileStore();
    const cache = new TileCache(64 * FULL_TILE);
    const getTile = cache.reader('t', store.readStored);
    const failures: string[] = [];
    let appended = 0;
    for (const size of [1, 2, 255, 256, 257, 300, 511, 4096, 4097, 65535, 65536, 65537, 70_000]) {
      store.append(leafHashes.slice(appended, size));
      appended = size;
      const n = BigInt(size);
      for (const leaf of [0, Math.floor(size / 2), size - 1]) {
        const proof = await new TileReader(n, getTile).inclusionProof(BigInt(leaf));
        if (!sameHashes(proof, memory.inclusionProof(BigInt(leaf), n)))
          failures.push(`leaf ${leaf} at ${size}`);
      }
      const root = await new TileReader(n, getTile).rootHash();
      if (!sameHashes([root], [memory.rootHash(n)])) failures.push(`root at ${size}`);
      if (size > 1) {
        const proof = await new TileReader(n, getTile).consistencyProof(1n);
        if (!sameHashes(proof, memory.consistencyProof(1n, n))) failures.push(`1 to ${size}`);
      }
    }
    expect(failures).toEqual([]);
    expect(cache.size).toBeLessThanOrEqual(64 * FULL_TILE);
  });

  it('reads an upper tile once for many proofs, and the leaf tile once per distinct tile', async () => {
    const store = new TileStore();
    store.append(testLeafHashes(70_000));
    const { reads, read } = countingStore(store);
    const getTile = new TileCache(1024 * FULL_TILE).reader('t', read);
    for (const leaf of [0n, 1n, 300n, 301n, 69_999n, 0n])
      await new TileReader(70_000n, getTile).inclusionProof(leaf);
    // Level 0: tiles 0, 1 and 273 (leaves 0, 1 / 300, 301 / 69,999), each read once.
    expect(Object.fromEntries(reads)).toEqual({
      '0/0': 1,
      '0/1': 1,
      '0/273': 1,
      '1/0': 1,
      '1/1': 1,
      '2/0': 1,
    });
  });

  it('reads a cached partial tile again when a larger tree needs more of it, then keeps the wider copy', async () => {
    const leafHashes = testLeafHashes(300);
    const store = new TileStore();
    store.append(leafHashes.slice(0, 260));
    const { reads, read } = countingStore(store);
    const getTile = new TileCache(16 * FULL_TILE).reader('t', read);
    expect(await getTile(0, 1n, 4)).toHaveLength(4 * HASH_SIZE);
    expect(await getTile(0, 1n, 2)).toHaveLength(2 * HASH_SIZE);
    expect(reads.get('0/1')).toBe(1);
    store.append(leafHashes.slice(260));
    // The first four hashes are the ones cached; the tile now has 44.
    const wider = await getTile(0, 1n, 44);
    expect(Buffer.from(wider)).toEqual(Buffer.from(store.getTile(0, 1n, 44)));
    expect(reads.get('0/1')).toBe(2);
    await getTile(0, 1n, 44);
    await getTile(0, 1n, 10);
    expect(reads.get('0/1')).toBe(2);
  });

  it('keeps trees apart', async () => {
    const a = new TileStore();
    a.append(testLeafHashes(256));
    const b = new TileStore();
    b.append(testLeafHashes(512).slice(256));
    const cache = new TileCache(16 * FULL_TILE);
    const fromA = await cache.reader('1', a.readStored)(0, 0n, 256);
    const fromB = await cache.reader('2', b.readStored)(0, 0n, 256);
    expect(Buffer.compare(fromA, fromB)).not.toBe(0);
    expect(Buffer.from(await cache.reader('1', b.readStored)(0, 0n, 256))).toEqual(
      Buffer.from(fromA),
    );
  });

  it('stays within its byte budget, evicting the least recently used tile', async () => {
    const store = new TileStore();
    store.append(testLeafHashes(256 * 4));
    const { reads, read } = countingStore(store);
    const getTile = new TileCache(2 * FULL_TILE).reader('t', read);
    await getTile(0, 0n, 256);
    await getTile(0, 1n, 256);
    await getTile(0, 0n, 256); // 0 is now the most recent
    await getTile(0, 2n, 256); // evicts 1
    await getTile(0, 0n, 256);
    await getTile(0, 1n, 256);
    expect(Object.fromEntries(reads)).toEqual({ '0/0': 1, '0/1': 2, '0/2': 1 });
  });

  it('reads every time when disabled, and never caches a failed read', async () => {
    const store = new TileStore();
    store.append(testLeafHashes(300));
    const { reads, read } = countingStore(store);
    const disabled = new TileCache(0).reader('t', read);
    await disabled(0, 0n, 256);
    expect(await disabled(0, 1n, 10)).toHaveLength(10 * HASH_SIZE);
    await disabled(0, 0n, 256);
    expect(reads.get('0/0')).toBe(2);
    expect(new TileCache(0).size).toBe(0);

    let fail = true;
    const flaky = new TileCache(16 * FULL_TILE).reader('t', (l, i, w) =>
      fail ? Promise.reject(new Error('database unavailable')) : store.readStored(l, i, w),
    );
    await expect(flaky(0, 0n, 256)).rejects.toThrow('database unavailable');
    fail = false;
    expect(await flaky(0, 0n, 256)).toHaveLength(FULL_TILE);
  });

  it.each([-1, 1.5, Number.NaN])('rejects a budget of %s bytes', (maxBytes) => {
    expect(() => new TileCache(maxBytes)).toThrow(
      `maxBytes must be a non-negative integer, got ${maxBytes}`,
    );
  });
});
