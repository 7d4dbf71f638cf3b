import { randomBytes } from 'node:crypto';
import { CompactRange } from './compact';
import { TileReader } from './reader';
import { verifyInclusion } from './verify';
import { sameHashes, TileStore } from './testing/helpers';
import { testLeafHashes } from './testing/reference';
import { BatchProofs } from './batch-proofs';

const leaves = testLeafHashes(400);

/** Integrates `leaves[fromSize, toSize)` on top of a tree of `fromSize`, as the log does. */
function integrate(fromSize: number, toSize: number) {
  const store = new TileStore();
  store.append(leaves.slice(0, fromSize));
  const range = CompactRange.fromHashes(BigInt(fromSize), store.range.hashes);
  const proofs = new BatchProofs(BigInt(fromSize), range.hashes);
  for (const leaf of leaves.slice(fromSize, toSize)) range.append(leaf, proofs.visit);
  store.append(leaves.slice(fromSize, toSize));
  return { store, range, proofs };
}

describe(BatchProofs.name, () => {
  it('gives every appended leaf the tile-based proof, for every old size up to 130', async () => {
    for (let fromSize = 0; fromSize <= 130; fromSize++) {
      for (const batch of fromSize % 10 === 0 ? [1, 2, 3, 5, 13, 64, 250] : [1, 2, 3, 5, 13, 64]) {
        const toSize = fromSize + batch;
        const { store, range, proofs } = integrate(fromSize, toSize);
        const reader = new TileReader(BigInt(toSize), store.getTile);
        const rootHash = range.root();
        expect(proofs.treeSize).toBe(BigInt(toSize));
        for (let i = fromSize; i < toSize; i++) {
          const proof = proofs.inclusionProof(BigInt(i))!;
          const expected = await reader.inclusionProof(BigInt(i));
          if (!sameHashes(proof, expected)) {
            throw new Error(`leaf ${i} of ${fromSize} + ${batch}: proof differs from the tiles'`);
          }
          verifyInclusion(leaves[i]!, BigInt(i), BigInt(toSize), proof, rootHash);
        }
      }
    }
  });

  it('proves leaves appended to a large tree from its compact range alone', () => {
    const fromSize = 2n ** 40n + 12_345n;
    const peaks = Array.from({ length: 7 }, () => new Uint8Array(randomBytes(32)));
    const range = CompactRange.fromHashes(fromSize, peaks);
    const proofs = new BatchProofs(fromSize, range.hashes);
    for (const leaf of leaves.slice(0, 300)) range.append(leaf, proofs.visit);
    const rootHash = range.root();
    for (let i = 0; i < 300; i++) {
      const leafIndex = fromSize + BigInt(i);
      verifyInclusion(
        leaves[i]!,
        leafIndex,
        range.size,
        proofs.inclusionProof(leafIndex)!,
        rootHash,
      );
    }
  });

  it('builds the proof from the old compact range it was given', () => {
    const { range } = integrate(0, 37);
    const tampered = range.hashes.map((h) => new Uint8Array(h));
    tampered[1]![0]! ^= 1;
    const proofs = new BatchProofs(37n, tampered);
    for (const leaf of leaves.slice(37, 45)) range.append(leaf, proofs.visit);
    // Leaf 37's path passes through the old peak (level 2, covering leaves 32..35).
    expect(() =>
      verifyInclusion(leaves[37]!, 37n, 45n, proofs.inclusionProof(37n)!, range.root()),
    ).toThrow(expect.objectContaining({ code: 'ROOT_MISMATCH' }));
  });

  it('has no proof for a leaf outside the batch', () => {
    const { proofs } = integrate(20, 30);
    expect(proofs.inclusionProof(19n)).toBeUndefined();
    expect(proofs.inclusionProof(30n)).toBeUndefined();
    expect(proofs.inclusionProof(20n)).toBeDefined();
    expect(proofs.inclusionProof(29n)).toBeDefined();
  });
});
