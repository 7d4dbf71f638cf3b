import { integrate, type TileAppend } from './integrate';
import { MemoryTree } from './memory';
import { compactRangeNodes } from './nodes';
import { MerkleError } from './errors';
import { sameHashes } from './testing/helpers';
import { testLeafHashes } from './testing/reference';
import { TILE_HEIGHT, TILE_WIDTH, tileCount, tileWidth } from './tiles';
import { verifyInclusion } from './verify';

const leaves = testLeafHashes(700);
const reference = MemoryTree.fromLeafHashes(leaves);
const stored = storedPrefixes(leaves, 520);

/** Tiles as the log stores them: each `TileAppend` concatenated onto the tile's bytes. */
function applyAppends(tiles: Map<string, Buffer>, appends: readonly TileAppend[]): void {
  for (const { tileLevel, tileIndex, hashes } of appends) {
    const key = `${tileLevel}/${tileIndex}`;
    tiles.set(key, Buffer.concat([tiles.get(key) ?? Buffer.alloc(0), hashes]));
  }
}

const fullTiles = new WeakMap<MemoryTree, Map<string, Buffer>>();

/**
 * The tile `tileLevel/tileIndex` of the first `treeSize` leaves, read from `tree`'s nodes: the
 * prefix of the tile at `tree.size` (a tile's first hashes never change as the tree grows).
 */
function expectedTile(tree: MemoryTree, tileLevel: number, tileIndex: bigint, treeSize: bigint) {
  let tiles = fullTiles.get(tree);
  if (tiles === undefined) fullTiles.set(tree, (tiles = new Map()));
  const key = `${tileLevel}/${tileIndex}`;
  let full = tiles.get(key);
  if (full === undefined) {
    const width = tileWidth(tileLevel, tileIndex, tree.size);
    const level = tileLevel * TILE_HEIGHT;
    const first = tileIndex * BigInt(TILE_WIDTH);
    const hashes = Array.from({ length: width }, (_, j) =>
      tree.nodeHash({ level, index: first + BigInt(j) }),
    );
    tiles.set(key, (full = Buffer.concat(hashes)));
  }
  return full.subarray(0, tileWidth(tileLevel, tileIndex, treeSize) * 32);
}

interface Stored {
  rightEdge: readonly Uint8Array[];
  tiles: Map<string, Buffer>;
}

/** The stored state after each size 0..count, grown one leaf at a time through `integrate`. */
function storedPrefixes(all: readonly Uint8Array[], count: number): Stored[] {
  const states: Stored[] = [{ rightEdge: [], tiles: new Map() }];
  for (let size = 0; size < count; size++) {
    const { rightEdge, tiles } = states[size]!;
    const next = integrate(BigInt(size), rightEdge, [all[size]!]);
    const copy = new Map(tiles);
    applyAppends(copy, next.tileAppends);
    states.push({ rightEdge: next.rightEdge, tiles: copy });
  }
  return states;
}

/** Integrates `all[fromSize, toSize)` onto the stored tree of `fromSize` and checks everything. */
function checkSplit(
  tree: MemoryTree,
  all: readonly Uint8Array[],
  from: Stored,
  fromSize: number,
  toSize: number,
) {
  const tiles = new Map(from.tiles);
  const result = integrate(BigInt(fromSize), from.rightEdge, all.slice(fromSize, toSize));
  applyAppends(tiles, result.tileAppends);
  const treeSize = BigInt(toSize);

  expect(result.treeSize).toBe(treeSize);
  const rootHash = tree.rootHash(treeSize);
  expect(Buffer.from(result.rootHash).equals(rootHash)).toBe(true);
  const edge = compactRangeNodes(treeSize).map((id) => tree.nodeHash(id));
  expect(sameHashes(result.rightEdge, edge)).toBe(true);

  // Every tile of the tree, and nothing else, with exactly the stored width.
  let count = 0;
  for (let tileLevel = 0; tileCount(tileLevel, treeSize) > 0n; tileLevel++) {
    for (let tileIndex = 0n; tileIndex < tileCount(tileLevel, treeSize); tileIndex++, count++) {
      const stored = tiles.get(`${tileLevel}/${tileIndex}`);
      expect(stored?.equals(expectedTile(tree, tileLevel, tileIndex, treeSize))).toBe(true);
    }
  }
  expect(tiles.size).toBe(count);
  // Only tiles the second step changed are in its appends.
  for (const { tileLevel, tileIndex, hashes } of result.tileAppends) {
    const before = tileWidth(tileLevel, tileIndex, BigInt(fromSize));
    const after = tileWidth(tileLevel, tileIndex, treeSize);
    expect(hashes.length).toBe((after - before) * 32);
    expect(after).toBeGreaterThan(before);
  }

  expect(result.proofs.treeSize).toBe(treeSize);
  for (let i = fromSize; i < toSize; i++) {
    const leafIndex = BigInt(i);
    const proof = result.proofs.inclusionProof(leafIndex)!;
    expect(sameHashes(proof, tree.inclusionProof(leafIndex, treeSize))).toBe(true);
    verifyInclusion(all[i]!, leafIndex, treeSize, proof, result.rootHash);
  }
  expect(result.proofs.inclusionProof(BigInt(toSize))).toBeUndefined();
  if (fromSize > 0) expect(result.proofs.inclusionProof(BigInt(fromSize - 1))).toBeUndefined();
}

describe(integrate.name, () => {
  it('matches the in-memory tree for every start size up to 300 and many batch sizes', () => {
    for (let fromSize = 0; fromSize <= 300; fromSize++) {
      // Every start size with small batches; every 24th with batches that cross a tile.
      const batches =
        fromSize % 24 === 0 ? [0, 1, 2, 3, 7, 16, 64, 255, 256, 257] : [1, 2, 3, 7, 16];
      for (const batch of batches) {
        checkSplit(reference, leaves, stored[fromSize]!, fromSize, fromSize + batch);
      }
    }
  });

  it('fills and starts tiles at the 256-leaf boundaries, whatever the split', () => {
    for (const boundary of [256, 512]) {
      for (let fromSize = boundary - 40; fromSize <= boundary + 5; fromSize++) {
        for (let toSize = fromSize; toSize <= boundary + 40; toSize += 7) {
          checkSplit(reference, leaves, stored[fromSize]!, fromSize, toSize);
        }
      }
    }
  });

  it('fills tile 0/255 and level-1 tile 1/0, and opens tile 2/0, at 65536 leaves', () => {
    const many = testLeafHashes(65_536 + 300);
    const tree = MemoryTree.fromLeafHashes(many);
    // Grown in steps, so each split starts from the tree the earlier steps stored.
    let from: Stored = { rightEdge: [], tiles: new Map() };
    let size = 0;
    for (const [fromSize, toSize] of [
      [65_000, 65_836],
      [65_530, 65_540],
      [65_535, 65_536],
      [65_536, 65_537],
    ] as const) {
      const step = integrate(BigInt(size), from.rightEdge, many.slice(size, fromSize));
      applyAppends(from.tiles, step.tileAppends);
      from = { rightEdge: step.rightEdge, tiles: from.tiles };
      size = fromSize;
      checkSplit(tree, many, from, fromSize, toSize);
    }
    // 65536 leaves make the first level-2 node: tile 2/0 holds one hash.
    expect(from.tiles.get('2/0')?.length).toBe(32);
  });

  it('does not modify its inputs', () => {
    const first = integrate(0n, [], leaves.slice(0, 5));
    const edge = first.rightEdge.map((h) => Uint8Array.from(h));
    const batch = leaves.slice(5, 9).map((h) => Uint8Array.from(h));
    integrate(5n, first.rightEdge, batch);
    expect(sameHashes(first.rightEdge, edge)).toBe(true);
    expect(sameHashes(batch, leaves.slice(5, 9))).toBe(true);
  });

  it('rejects a right edge that does not fit the size, and a short leaf hash', () => {
    const edge = integrate(0n, [], leaves.slice(0, 3)).rightEdge;
    expect(() => integrate(4n, edge, [])).toThrow(MerkleError);
    expect(() => integrate(4n, edge, [])).toThrow(/needs 1 hashes/);
    expect(() => integrate(3n, edge, [new Uint8Array(31)])).toThrow(/leafHash/);
  });
});
