import { createHash } from 'node:crypto';
import { type AuditCheckpoint, auditTree, type TreeAuditOptions } from './audit';
import { integrate } from './integrate';
import { emptyRoot, hashLeaf, rootFromLeafHashes } from './rfc6962';
import { TILE_WIDTH } from './tiles';

const entry = (i: number) => Buffer.from(`entry ${i}`);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A tree of `size` leaves with its tiles, built by integrate() in uneven batches, as a log does. */
function tree(size: number) {
  const leaves = Array.from({ length: size }, (_, i) => hashLeaf(entry(i)));
  const tiles = new Map<string, Buffer>();
  let rightEdge: readonly Uint8Array[] = [];
  for (let at = 0; at < size;) {
    const batch = leaves.slice(at, at + 1 + ((at * 7) % 300));
    const result = integrate(BigInt(at), rightEdge, batch);
    for (const t of result.tileAppends) {
      const key = `${t.tileLevel}/${t.tileIndex}`;
      tiles.set(key, Buffer.concat([tiles.get(key) ?? Buffer.alloc(0), t.hashes]));
    }
    rightEdge = result.rightEdge;
    at += batch.length;
  }
  const rootAt = (n: number): Uint8Array =>
    n === 0 ? emptyRoot() : rootFromLeafHashes(leaves.slice(0, n));
  const checkpoint = (n: number, name = `checkpoint ${n}`): AuditCheckpoint => ({
    name,
    treeSize: BigInt(n),
    rootHash: rootAt(n),
  });
  const bundlesRead: bigint[] = [];
  const options = (treeSize: number, entries = entry): TreeAuditOptions => ({
    treeSize: BigInt(treeSize),
    leafHashes: (n, width) => {
      bundlesRead.push(n);
      const begin = Number(n) * TILE_WIDTH;
      return Promise.resolve(Array.from({ length: width }, (_, k) => hashLeaf(entries(begin + k))));
    },
    tiles: [
      {
        name: 'served',
        read: (level, index) => Promise.resolve(tiles.get(`${level}/${index}`)),
      },
    ],
    checkpoints: [],
  });
  return { leaves, tiles, rootAt, checkpoint, options, bundlesRead };
}

/** Flips one byte of hash `position` of tile `key`. */
function tamper(tiles: Map<string, Buffer>, key: string, position: number): void {
  const tile = Buffer.from(tiles.get(key)!);
  tile[position * 32] = tile[position * 32]! ^ 0xff;
  tiles.set(key, tile);
}

describe(auditTree.name, () => {
  it('recomputes a clean tree: every tile hash and checkpoint root agrees', async () => {
    const t = tree(700);
    const checkpoints = [0, 1, 256, 257, 700].map((n) => t.checkpoint(n));
    const progress: bigint[] = [];
    const result = await auditTree({
      ...t.options(700),
      checkpoints,
      onProgress: (n) => progress.push(n),
    });
    expect(result.problems).toEqual([]);
    expect(result.checkpointsChecked).toBe(5);
    expect(hex(result.state.rootHash)).toBe(hex(t.rootAt(700)));
    expect(result.state.treeSize).toBe(700n);
    expect(progress).toEqual([256n, 512n, 700n]);
  });

  it('reports a changed entry at its index, with the first checkpoint that commits to it', async () => {
    const t = tree(700);
    const changed = (i: number) => (i === 300 ? Buffer.from('entry 300, rewritten') : entry(i));
    const result = await auditTree({
      ...t.options(700, changed),
      checkpoints: [t.checkpoint(256), t.checkpoint(300), t.checkpoint(301), t.checkpoint(700)],
    });
    expect(result.problems.map((p) => [p.kind, p.index, p.firstBrokenCheckpoint])).toEqual([
      ['root', undefined, { name: 'checkpoint 301', treeSize: 301n }],
      ['tile', 300n, { name: 'checkpoint 301', treeSize: 301n }],
      ['root', undefined, { name: 'checkpoint 700', treeSize: 700n }],
    ]);
    expect(result.problems[1]!.detail).toBe(
      `entry 300 hashes to leaf ${hex(hashLeaf(changed(300)))}; served tile 0/1 holds ${hex(t.leaves[300]!)}`,
    );
  });

  it('reports a changed upper-level tile hash at the first leaf it covers', async () => {
    const t = tree(2000);
    // Tile 1/0 position 1 is the node over leaves 256..511 (Merkle level 8).
    tamper(t.tiles, '1/0', 1);
    const result = await auditTree({
      ...t.options(2000),
      checkpoints: [t.checkpoint(500), t.checkpoint(512), t.checkpoint(2000)],
    });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({
      kind: 'tile',
      index: 256n,
      firstBrokenCheckpoint: { name: 'checkpoint 512', treeSize: 512n },
    });
    expect(result.problems[0]!.detail).toMatch(
      /^node 8\/1 \(leaves 256\.\.511\) is [0-9a-f]{64} from the entries; served tile 1\/0\.p\/7 holds [0-9a-f]{64}$/,
    );
    expect(result.checkpointsChecked).toBe(3);
  });

  it('reports a checkpoint whose root is not the tree of the entries', async () => {
    const t = tree(300);
    const forged = { ...t.checkpoint(200, 'forged'), rootHash: t.rootAt(199) };
    const result = await auditTree({ ...t.options(300), checkpoints: [forged] });
    expect(result.problems).toEqual([
      {
        kind: 'root',
        detail: `forged of size 200 has root ${hex(t.rootAt(199))}; the entries hash to ${hex(t.rootAt(200))}`,
        firstBrokenCheckpoint: { name: 'forged', treeSize: 200n },
      },
    ]);
  });

  it('reports a missing tile once, and a short one', async () => {
    const t = tree(600);
    t.tiles.delete('0/1');
    t.tiles.set('0/2', t.tiles.get('0/2')!.subarray(0, 32));
    const result = await auditTree({ ...t.options(600), checkpoints: [t.checkpoint(600)] });
    expect(result.problems.map((p) => [p.index, p.detail])).toEqual([
      [256n, 'served tile 0/1 is missing'],
      [512n, 'served tile 0/2.p/88 has 32 bytes, expected 2816'],
    ]);
  });

  it('resumes from a saved state: reads only new bundles, and checks earlier checkpoints from the tiles', async () => {
    const t = tree(1000);
    const first = await auditTree({ ...t.options(300), checkpoints: [t.checkpoint(300)] });
    expect(first.problems).toEqual([]);
    t.bundlesRead.length = 0;
    const second = await auditTree({
      ...t.options(1000),
      from: first.state,
      checkpoints: [t.checkpoint(0), t.checkpoint(100), t.checkpoint(1000)],
    });
    expect(second.problems).toEqual([]);
    expect(t.bundlesRead).toEqual([1n, 2n, 3n]);
    expect(second.checkpointsChecked).toBe(3);
    expect(hex(second.state.rootHash)).toBe(hex(t.rootAt(1000)));
  });

  it('after resuming, reports a saved checkpoint the tiles no longer agree with, and a saved state that is not the tree', async () => {
    const t = tree(1000);
    const first = await auditTree({ ...t.options(300), checkpoints: [] });
    const wrong = { ...t.checkpoint(100, 'kept.txt'), rootHash: t.rootAt(99) };
    const second = await auditTree({ ...t.options(1000), from: first.state, checkpoints: [wrong] });
    expect(second.problems.map((p) => [p.kind, p.firstBrokenCheckpoint?.name])).toEqual([
      ['root', 'kept.txt'],
    ]);

    // A state whose compact range is not the tree's: the new checkpoint does not match.
    const forgedState = { ...first.state, rightEdge: t.leaves.slice(0, 4) };
    const third = await auditTree({
      ...t.options(1000),
      from: forgedState,
      checkpoints: [t.checkpoint(1000)],
    });
    expect(third.problems.map((p) => [p.kind, p.index, p.firstBrokenCheckpoint?.treeSize])).toEqual(
      [
        ['tile', 256n, 1000n],
        ['root', undefined, 1000n],
      ],
    );
  });

  it('refuses to audit below the saved size, and a bundle of the wrong width', async () => {
    const t = tree(300);
    const state = (await auditTree({ ...t.options(300), checkpoints: [] })).state;
    await expect(auditTree({ ...t.options(200), from: state, checkpoints: [] })).rejects.toThrow(
      'cannot audit to size 200: the saved state is at size 300',
    );
    await expect(
      auditTree({
        ...t.options(300),
        leafHashes: () => Promise.resolve([createHash('sha256').digest()]),
        checkpoints: [],
      }),
    ).rejects.toThrow('entry bundle 0 yielded 1 leaf hashes, expected 256');
  });
});
