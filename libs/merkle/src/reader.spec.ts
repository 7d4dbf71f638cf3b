import fc from 'fast-check';

import { MemoryTree } from './memory';
import { inclusionNodes } from './proof';
import { TileReader } from './reader';
import { emptyRoot } from './rfc6962';
import { sameHashes, TileStore, toHexString } from './testing/helpers';
import { testLeafHashes } from './testing/reference';
import { nodeLocation } from './tiles';

// Large enough for three tile levels, full and partial (C2SP tlog-tiles' own example size).
const TREE_SIZE = 70_000;
const leafHashes = testLeafHashes(TREE_SIZE);
const memory = MemoryTree.fromLeafHashes(leafHashes);
const store = new TileStore();
store.append(leafHashes);

/** Compares the reader's root and a few proofs at `size` with the in-memory tree's. */
async function mismatches(
  size: number,
  leafIndices: number[],
  sizes1: number[],
): Promise<string[]> {
  const reader = new TileReader(BigInt(size), store.getTile);
  const failures: string[] = [];
  if (!sameHashes([await reader.rootHash()], [memory.rootHash(BigInt(size))]))
    failures.push(`root ${size}`);
  for (const m of leafIndices) {
    const proof = await reader.inclusionProof(BigInt(m));
    if (!sameHashes(proof, memory.inclusionProof(BigInt(m), BigInt(size))))
      failures.push(`leaf ${m} of ${size}`);
  }
  for (const m of sizes1) {
    const proof = await reader.consistencyProof(BigInt(m));
    if (!sameHashes(proof, memory.consistencyProof(BigInt(m), BigInt(size))))
      failures.push(`${m} to ${size}`);
  }
  return failures;
}

describe(TileReader.name, () => {
  it('rebuilds roots and proofs for every tree size up to 600', async () => {
    const failures: string[] = [];
    for (let size = 1; size <= 600; size++) {
      // One spread-out index and old size per tree size, plus the edges every few sizes.
      const spread = (size * 37) % size;
      const edges = size % 5 === 0 ? [0, size - 1] : [];
      failures.push(...(await mismatches(size, [spread, ...edges], [1 + ((size * 53) % size)])));
    }
    expect(failures).toEqual([]);
  });

  it.each([255, 256, 257, 511, 512, 4096, 65535, 65536, 65537, 69999, 70000])(
    'rebuilds roots and proofs at size %s, across full and partial tiles',
    async (size) => {
      const samples = [0, 1, 255, 256, 65535, 65536, size - 2, size - 1].filter(
        (i) => i >= 0 && i < size,
      );
      const sizes1 = [1, 255, 256, 257, 65536, size - 1, size].filter((m) => m >= 1 && m <= size);
      expect(await mismatches(size, samples, sizes1)).toEqual([]);
    },
  );

  it('rebuilds proofs at random sizes up to 70,000', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: TREE_SIZE }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (size, fraction) => {
          const m = Math.min(size - 1, Math.floor(fraction * size));
          expect(await mismatches(size, [m], [m + 1])).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('returns the empty root for size 0', async () => {
    expect(toHexString(await new TileReader(0n, store.getTile).rootHash())).toBe(
      toHexString(emptyRoot()),
    );
  });

  it('resumes a compact range from tiles', async () => {
    const range = await new TileReader(70_000n, store.getTile).compactRange(65_000n);
    for (let i = 65_000; i < 65_600; i++) range.append(leafHashes[i]!);
    expect(toHexString(range.root())).toBe(toHexString(memory.rootHash(65_600n)));
  });

  it('fetches each tile once per reader, also for concurrent reads', async () => {
    const nodes = inclusionNodes(12_345n, 70_000n);
    const tiles = new Set(
      nodes.ids.map((id) => `${nodeLocation(id).tileLevel}/${nodeLocation(id).tileIndex}`),
    );
    const reader = new TileReader(70_000n, store.getTile);
    const before = store.reads;
    await Promise.all([reader.inclusionProof(12_345n), reader.inclusionProof(12_345n)]);
    expect(store.reads - before).toBe(tiles.size);
  });

  it('works with an asynchronous getTile', async () => {
    const reader = new TileReader(
      70_000n,
      (tileLevel, tileIndex, width) =>
        new Promise((resolve) =>
          setImmediate(() => resolve(store.getTile(tileLevel, tileIndex, width))),
        ),
    );
    expect(
      sameHashes(await reader.consistencyProof(1_000n), memory.consistencyProof(1_000n, 70_000n)),
    ).toBe(true);
  });

  it('asks for partial tiles with the width they have at the tree size', async () => {
    const requests: string[] = [];
    const reader = new TileReader(70_000n, (tileLevel, tileIndex, width) => {
      requests.push(`${tileLevel}/${tileIndex}/${width}`);
      return store.getTile(tileLevel, tileIndex, width);
    });
    await reader.rootHash();
    // Peaks of 70,000 = 65,536 + 4,096 + 256 + 64 + 32 + 16: one level 2 hash, then level 1 and level 0 rows.
    expect(requests.sort()).toEqual(['0/273/112', '1/1/17', '2/0/1']);
  });

  it('rejects a tile of the wrong length', async () => {
    const reader = new TileReader(5n, () => new Uint8Array(4 * 32));
    await expect(reader.rootHash()).rejects.toMatchObject({
      code: 'INVALID_TILE',
      message: 'tile tile/0/000.p/5 has 128 bytes, expected 160 (5 hashes)',
    });
  });

  it('rejects nodes and sizes outside the tree', async () => {
    const reader = new TileReader(300n, store.getTile);
    await expect(reader.nodeHash({ level: 2, index: 75n })).rejects.toMatchObject({
      code: 'INVALID_NODE',
      message: 'node (level 2, index 75) is not a complete subtree of the tree of size 300',
    });
    await expect(reader.inclusionProof(3n, 301n)).rejects.toMatchObject({
      code: 'INVALID_SIZE',
      message: "size 301 is greater than the reader's treeSize 300",
    });
    await expect(reader.inclusionProof(300n)).rejects.toMatchObject({ code: 'INDEX_OUT_OF_RANGE' });
    await expect(reader.consistencyProof(0n)).rejects.toMatchObject({ code: 'INVALID_SIZE' });
    expect(() => new TileReader(-1n, store.getTile)).toThrow(
      'treeSize -1 is out of range (requires 0 <= treeSize < 2^64)',
    );
  });

  it('passes storage errors through and retries a failed tile', async () => {
    let failures = 1;
    const reader = new TileReader(300n, (tileLevel, tileIndex, width) => {
      if (failures-- > 0) throw new Error('storage is down');
      return store.getTile(tileLevel, tileIndex, width);
    });
    await expect(reader.nodeHash({ level: 0, index: 3n })).rejects.toThrow('storage is down');
    expect(toHexString(await reader.nodeHash({ level: 0, index: 3n }))).toBe(
      toHexString(leafHashes[3]!),
    );
  });
});
