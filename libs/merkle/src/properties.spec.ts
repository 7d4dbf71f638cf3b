// Property-based checks on one tree of 10^6 leaves: proofs from the in-memory tree and from its
// tiles verify against roots computed by a separate path (compact range peaks), and tampering
// is always caught.
import fc from 'fast-check';

import { CompactRange } from './compact';
import { MemoryTree } from './memory';
import { compactRangeNodes } from './nodes';
import { TileReader } from './reader';
import { hashLeaf } from './rfc6962';
import { codeOf, flipBit, sameHashes } from './testing/helpers';
import { HASH_SIZE } from './rfc6962';
import { TILE_HEIGHT, TILE_WIDTH } from './tiles';
import { rootFromConsistencyProof, verifyConsistency, verifyInclusion } from './verify';

const TREE_SIZE = 1_000_000;
const leafHash = (i: number) => hashLeaf(Buffer.from(`entry ${i}`));
const tree = new MemoryTree();
for (let i = 0; i < TREE_SIZE; i++) tree.append(leafHash(i));

/** The root at `size` from the right-edge peaks, as a log resuming from storage computes it. */
const rootAt = (size: bigint) =>
  CompactRange.fromHashes(
    size,
    compactRangeNodes(size).map((id) => tree.nodeHash(id)),
  ).root();

/** Tiles served straight from the tree's level-8L nodes. */
const getTile = (tileLevel: number, tileIndex: bigint, width: number) => {
  const tile = new Uint8Array(width * HASH_SIZE);
  for (let i = 0; i < width; i++) {
    const index = tileIndex * BigInt(TILE_WIDTH) + BigInt(i);
    tile.set(tree.nodeHash({ level: TILE_HEIGHT * tileLevel, index }), i * HASH_SIZE);
  }
  return tile;
};

const sizeAndIndex = fc
  .integer({ min: 1, max: TREE_SIZE })
  .chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 })));
const twoSizes = fc
  .tuple(fc.integer({ min: 1, max: TREE_SIZE }), fc.integer({ min: 1, max: TREE_SIZE }))
  .map(([a, b]) => (a <= b ? [a, b] : [b, a]));

describe('inclusion proofs in a tree of 10^6 leaves', () => {
  it('verify against the root at their size, and fail when tampered', () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(), ([size, index], bit) => {
        const [leafIndex, treeSize] = [BigInt(index), BigInt(size)];
        const proof = tree.inclusionProof(leafIndex, treeSize);
        const rootHash = rootAt(treeSize);
        verifyInclusion(leafHash(index), leafIndex, treeSize, proof, rootHash);
        if (proof.length > 0) {
          const at = bit % proof.length;
          const tampered = proof.map((hash, i) => (i === at ? flipBit(hash, bit % 256) : hash));
          expect(
            codeOf(() => verifyInclusion(leafHash(index), leafIndex, treeSize, tampered, rootHash)),
          ).toBe('ROOT_MISMATCH');
        }
        expect(
          codeOf(() =>
            verifyInclusion(leafHash(index), leafIndex, treeSize, [...proof, rootHash], rootHash),
          ),
        ).toBe('WRONG_PROOF_SIZE');
      }),
      { numRuns: 300 },
    );
  });

  it('are the same when rebuilt from tiles', async () => {
    await fc.assert(
      fc.asyncProperty(sizeAndIndex, async ([size, index]) => {
        const reader = new TileReader(BigInt(size), getTile);
        expect(
          sameHashes(
            await reader.inclusionProof(BigInt(index)),
            tree.inclusionProof(BigInt(index), BigInt(size)),
          ),
        ).toBe(true);
        expect(sameHashes([await reader.rootHash()], [rootAt(BigInt(size))])).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

describe('consistency proofs in a tree of 10^6 leaves', () => {
  it('verify between the roots at both sizes, and fail when tampered', () => {
    fc.assert(
      fc.property(twoSizes, fc.nat(), ([a, b], bit) => {
        const [size1, size2] = [BigInt(a!), BigInt(b!)];
        const proof = tree.consistencyProof(size1, size2);
        const [root1, root2] = [rootAt(size1), rootAt(size2)];
        verifyConsistency(size1, size2, proof, root1, root2);
        expect(sameHashes([rootFromConsistencyProof(size1, size2, proof, root1)], [root2])).toBe(
          true,
        );
        if (proof.length > 0) {
          const at = bit % proof.length;
          const tampered = proof.map((hash, i) => (i === at ? flipBit(hash, bit % 256) : hash));
          expect(codeOf(() => verifyConsistency(size1, size2, tampered, root1, root2))).toBe(
            'ROOT_MISMATCH',
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('are the same when rebuilt from tiles', async () => {
    await fc.assert(
      fc.asyncProperty(twoSizes, async ([a, b]) => {
        const reader = new TileReader(BigInt(b!), getTile);
        const fromTiles = await reader.consistencyProof(BigInt(a!));
        expect(sameHashes(fromTiles, tree.consistencyProof(BigInt(a!), BigInt(b!)))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

describe('compact ranges over a tree of 10^6 leaves', () => {
  it('resume from peaks at any size and emit the nodes the tree stores', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: TREE_SIZE - 1 }),
        fc.integer({ min: 1, max: 600 }),
        (start, count) => {
          const end = Math.min(TREE_SIZE, start + count);
          const range = CompactRange.fromHashes(
            BigInt(start),
            compactRangeNodes(BigInt(start)).map((id) => tree.nodeHash(id)),
          );
          let visitedOk = true;
          for (let i = start; i < end; i++) {
            range.append(leafHash(i), (level, index, hash) => {
              visitedOk &&= sameHashes([hash], [tree.nodeHash({ level, index })]);
            });
          }
          expect(visitedOk).toBe(true);
          expect(sameHashes([range.root()], [tree.rootHash(BigInt(end))])).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
