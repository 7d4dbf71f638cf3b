// Merkle benchmarks: `npx swc libs bench -d dist --quiet && node dist/bench/merkle.js [--quick]`.
// Prints one line per figure; runMerkleBench returns them for a harness. Wall-clock times on one
// thread: a busy machine lowers every figure, and the SHA-256 line is the bound to compare with.
import * as crypto from 'node:crypto';

import {
  CompactRange,
  compactRangeNodes,
  hashChildren,
  hashLeaf,
  HASH_SIZE,
  MemoryTree,
  rootFromLeafHashes,
  TILE_HEIGHT,
  TILE_WIDTH,
  TileReader,
  verifyConsistency,
  verifyInclusion,
} from '@app/merkle';

/** One measured figure. */
export interface BenchResult {
  id: string;
  unit: string;
  value: number;
}

const TREE_SIZE = 1_000_000;

/** Runs `body` `reps` times and returns the fastest run in seconds (the least disturbed one). */
async function fastest(reps: number, body: () => unknown): Promise<number> {
  let best = Infinity;
  for (let rep = 0; rep < reps; rep++) {
    const start = process.hrtime.bigint();
    await body();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return best;
}

/** Deterministic pseudo-random integers in [0, bound), so runs are comparable. */
function sampler(seed: number): (bound: number) => number {
  let state = seed >>> 0;
  return (bound) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.floor((state / 2 ** 32) * bound);
  };
}

/**
 * Measures hashing, root, compact-range, proof generation (memory and tiles) and verification
 * throughput at a tree size of 10^6. `quick` keeps the sizes but repeats less (for CI smoke runs);
 * `minimal` also skips the compact-range and tile figures (the harness's 90-second mode).
 */
export async function runMerkleBench(opts: {
  quick: boolean;
  minimal?: boolean;
}): Promise<BenchResult[]> {
  const reps = opts.quick ? 1 : 3;
  const ops = opts.quick ? 2_000 : 20_000;
  const results: BenchResult[] = [];
  const record = (id: string, unit: string, value: number) => {
    results.push({ id, unit, value: unit === 's' ? Number(value.toFixed(3)) : Math.round(value) });
  };
  const random = sampler(42);

  const input = crypto.randomBytes(64);
  const hashCount = opts.quick ? 200_000 : 1_000_000;
  const sha = await fastest(reps, () => {
    for (let i = 0; i < hashCount; i++) crypto.hash('sha256', input, 'buffer');
  });
  record('sha256_64b_per_s', 'ops/s', hashCount / sha);

  const left = input.subarray(0, HASH_SIZE);
  const right = input.subarray(HASH_SIZE);
  const children = await fastest(reps, () => {
    for (let i = 0; i < hashCount; i++) hashChildren(left, right);
  });
  record('hash_children_per_s', 'ops/s', hashCount / children);

  let leafHashes: Uint8Array[] = [];
  const leaves = await fastest(1, () => {
    leafHashes = Array.from({ length: TREE_SIZE }, (_, i) => hashLeaf(Buffer.from(`entry ${i}`)));
  });
  record('leaf_hash_per_s', 'ops/s', TREE_SIZE / leaves);

  const root = await fastest(reps, () => rootFromLeafHashes(leafHashes));
  record('merkle_root_1e6_s', 's', root);
  record('merkle_root_1e6_with_leaf_hashing_s', 's', root + leaves);

  if (!opts.minimal) {
    const append = await fastest(reps, () => {
      const range = CompactRange.empty();
      for (const leafHash of leafHashes) range.append(leafHash);
    });
    record('compact_append_per_s', 'ops/s', TREE_SIZE / append);
  }

  let tree = new MemoryTree();
  const build = await fastest(1, () => {
    tree = MemoryTree.fromLeafHashes(leafHashes);
  });
  record('memory_tree_build_1e6_s', 's', build);
  const treeSize = tree.size;
  const rootHash = tree.rootHash();

  const indices = Array.from({ length: ops }, () => BigInt(random(TREE_SIZE)));
  const inclusion = await fastest(reps, () => {
    for (const leafIndex of indices) tree.inclusionProof(leafIndex);
  });
  record('inclusion_proof_per_s_1e6', 'ops/s', ops / inclusion);

  const sizes1 = Array.from({ length: ops }, () => BigInt(1 + random(TREE_SIZE - 1)));
  const consistency = await fastest(reps, () => {
    for (const size1 of sizes1) tree.consistencyProof(size1);
  });
  record('consistency_proof_per_s_1e6', 'ops/s', ops / consistency);

  const inclusionCases = indices.map((leafIndex) => ({
    leafIndex,
    leafHash: leafHashes[Number(leafIndex)]!,
    proof: tree.inclusionProof(leafIndex),
  }));
  const verify = await fastest(reps, () => {
    for (const { leafIndex, leafHash, proof } of inclusionCases)
      verifyInclusion(leafHash, leafIndex, treeSize, proof, rootHash);
  });
  record('inclusion_verify_per_s_1e6', 'ops/s', ops / verify);

  const consistencyCases = sizes1.slice(0, ops / 4).map((size1) => ({
    size1,
    root1: CompactRange.fromHashes(
      size1,
      compactRangeNodes(size1).map((id) => tree.nodeHash(id)),
    ).root(),
    proof: tree.consistencyProof(size1),
  }));
  const verifyConsistencyTime = await fastest(reps, () => {
    for (const { size1, root1, proof } of consistencyCases)
      verifyConsistency(size1, treeSize, proof, root1, rootHash);
  });
  record('consistency_verify_per_s_1e6', 'ops/s', consistencyCases.length / verifyConsistencyTime);

  if (opts.minimal) return results;
  // Tiles as a log stores them, read through a fresh TileReader per proof like one request each.
  const tiles = new Map<string, Uint8Array>();
  for (let tileLevel = 0; TREE_SIZE >> (TILE_HEIGHT * tileLevel) > 0; tileLevel++) {
    const count = TREE_SIZE >> (TILE_HEIGHT * tileLevel);
    for (let tileIndex = 0; tileIndex * TILE_WIDTH < count; tileIndex++) {
      const width = Math.min(TILE_WIDTH, count - tileIndex * TILE_WIDTH);
      const tile = new Uint8Array(width * HASH_SIZE);
      for (let i = 0; i < width; i++) {
        tile.set(
          tree.nodeHash({
            level: TILE_HEIGHT * tileLevel,
            index: BigInt(tileIndex * TILE_WIDTH + i),
          }),
          i * HASH_SIZE,
        );
      }
      tiles.set(`${tileLevel}/${tileIndex}`, tile);
    }
  }
  const getTile = (tileLevel: number, tileIndex: bigint) => tiles.get(`${tileLevel}/${tileIndex}`)!;
  const tileOps = ops / 4;
  const fromTiles = await fastest(reps, async () => {
    for (const leafIndex of indices.slice(0, tileOps))
      await new TileReader(treeSize, getTile).inclusionProof(leafIndex);
  });
  record('tile_inclusion_proof_per_s_1e6', 'ops/s', tileOps / fromTiles);

  return results;
}

if (require.main === module) {
  runMerkleBench({ quick: process.argv.includes('--quick') })
    .then((results) => {
      for (const { id, unit, value } of results)
        console.log(`${id.padEnd(40)} ${String(value).padStart(12)} ${unit}`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
