import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  emptyRoot,
  MemoryTree,
  TILE_HEIGHT,
  TILE_WIDTH,
  tileCount,
  tileWidth,
  verifyInclusion,
} from '@app/merkle';
import { generateKeyPair, KeyObjectSigner, logIdOf, publicKeyToDer } from '@app/signing';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import { Integrator } from './integrator';
import { LogTree } from '@app/schema';
import { EntryRepository } from './entry.repository';
import { openLogDataSource, testEntry, testSigning } from './testing';
import { TreeRepository } from './tree.repository';
import type { TreeSigning } from './tree-signing';

const TREE_ID = 4242n;

const entry = testEntry;

describe(Integrator.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let integrator: Integrator;
  let signing: TreeSigning;
  let tree: LogTree;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openLogDataSource(db.url, 'signet-test-integrator');
    integrator = new Integrator(new TreeRepository(dataSource), new EntryRepository(dataSource));
    const signer = new KeyObjectSigner(generateKeyPair('ecdsa-p256-sha256').privateKey);
    signing = testSigning(signer);
    await db.query(
      `INSERT INTO log_tree (id, purpose, origin, active, public_key, log_id, index_offset)
       VALUES ($1, 'artifact', $2, true, $3, $4, 100)`,
      [
        TREE_ID.toString(),
        signing.origin(TREE_ID),
        Buffer.from(publicKeyToDer(signer.publicKey)),
        Buffer.from(logIdOf(signer.publicKey)),
      ],
    );
    await db.query(
      `INSERT INTO tree_state (tree_id, size, root_hash, right_edge) VALUES ($1, 0, $2, '')`,
      [TREE_ID.toString(), Buffer.from(emptyRoot())],
    );
    // As the registry creates a tree: its empty head is signed at once.
    await db.query(
      `INSERT INTO checkpoint (tree_id, tree_size, root_hash, note) VALUES ($1, 0, $2, 'empty')`,
      [TREE_ID.toString(), Buffer.from(emptyRoot())],
    );
    tree = await dataSource.getRepository(LogTree).findOneByOrFail({ id: TREE_ID });
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  /** What the database holds for the tree: head, latest checkpoint, tiles, leaves. */
  async function stored() {
    const [head] = await db.query<{ size: string; root_hash: Buffer; right_edge: Buffer }>(
      'SELECT size, root_hash, right_edge FROM tree_state WHERE tree_id = $1',
      [TREE_ID.toString()],
    );
    const [checkpoint] = await db.query<{ tree_size: string; root_hash: Buffer }>(
      'SELECT tree_size, root_hash FROM checkpoint WHERE tree_id = $1 ORDER BY tree_size DESC LIMIT 1',
      [TREE_ID.toString()],
    );
    const tiles = await db.query<{ tile_level: number; tile_index: string; hashes: Buffer }>(
      'SELECT tile_level, tile_index, hashes FROM hash_tile WHERE tree_id = $1',
      [TREE_ID.toString()],
    );
    const leaves = await db.query<{ leaf_index: string; global_index: string; leaf_hash: Buffer }>(
      'SELECT leaf_index, global_index, leaf_hash FROM log_entry WHERE tree_id = $1 ORDER BY leaf_index',
      [TREE_ID.toString()],
    );
    return { head: head!, checkpoint, tiles, leaves };
  }

  it('stores the tiles, head, checkpoint and proofs of the in-memory tree, batch after batch', async () => {
    const memory = new MemoryTree();
    let n = 0;
    // Crosses the tile boundaries at 256, 512, 768 and 1024 with batches on both sides of them.
    for (const size of [1, 254, 1, 2, 300, 0, 211, 3, 256, 1]) {
      const batch = Array.from({ length: size }, () => entry(n++));
      // A repeat of an earlier entry, and one within the batch, land nowhere new.
      if (n > 1) batch.push(entry(0), batch[0] ?? entry(1));
      const results = await integrator.integrate(tree, signing, batch);

      const fresh = results.filter((r) => !r.duplicate);
      expect(fresh).toHaveLength(size);
      for (const e of batch.slice(0, size)) memory.append(e.leafHash);
      const treeSize = memory.size;
      const rootHash = Buffer.from(memory.rootHash());
      for (const [i, r] of results.entries()) {
        const leafHash = batch[i]!.leafHash;
        if (r.duplicate) {
          expect(memory.nodeHash({ level: 0, index: r.leafIndex })).toEqual(
            new Uint8Array(leafHash),
          );
          continue;
        }
        expect(r.checkpoint?.treeSize).toBe(treeSize);
        expect(r.checkpoint?.rootHash.equals(rootHash)).toBe(true);
        const proof = r.proofs!.inclusionProof(r.leafIndex)!;
        expect(proof.map((h) => Buffer.from(h).toString('hex'))).toEqual(
          memory.inclusionProof(r.leafIndex).map((h) => Buffer.from(h).toString('hex')),
        );
        verifyInclusion(leafHash, r.leafIndex, treeSize, proof, rootHash);
      }

      const { head, checkpoint, tiles, leaves } = await stored();
      expect(BigInt(head.size)).toBe(treeSize);
      expect(head.root_hash.equals(rootHash)).toBe(true);
      expect(BigInt(checkpoint!.tree_size)).toBe(treeSize);
      expect(checkpoint!.root_hash.equals(rootHash)).toBe(true);
      expect(leaves).toHaveLength(Number(treeSize));
      leaves.forEach((leaf, i) => {
        expect(BigInt(leaf.global_index)).toBe(100n + BigInt(i));
        expect(memory.nodeHash({ level: 0, index: BigInt(i) })).toEqual(
          new Uint8Array(leaf.leaf_hash),
        );
      });
      const expected = expectedTiles(memory);
      expect(new Map(tiles.map((t) => [`${t.tile_level}/${t.tile_index}`, hex(t.hashes)]))).toEqual(
        expected,
      );
    }
    expect(memory.size).toBe(1029n);
  });

  it('leaves the head, tiles, entries and checkpoints as they were when the transaction fails', async () => {
    const before = await stored();
    const failing: TreeSigning = {
      ...signing,
      signCheckpoint: () => Promise.reject(new Error('the signer is unplugged')),
    };
    const batch = Array.from({ length: 300 }, (_, i) => entry(10_000 + i));
    await expect(integrator.integrate(tree, failing, batch)).rejects.toThrow(
      'the signer is unplugged',
    );
    expect(await stored()).toEqual(before);
    // The same batch then integrates normally, at the same leaf indices.
    const results = await integrator.integrate(tree, signing, batch);
    expect(results[0]!.leafIndex).toBe(BigInt(before.head.size));
  });

  it('refuses to sign a fork when the right edge was changed behind its back, and writes nothing', async () => {
    const before = await stored();
    const edge = before.head.right_edge;
    // The tree_state trigger lets the edge change at equal size: exactly what M6 exploits.
    await db.query('UPDATE tree_state SET right_edge = $2 WHERE tree_id = $1', [
      TREE_ID.toString(),
      Buffer.alloc(edge.length, 0x11),
    ]);
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await expect(integrator.integrate(tree, signing, [entry(20_000)])).rejects.toThrow(
      'the log refuses to append: its stored tree head is inconsistent with its last signed checkpoint',
    );
    expect(errors).toHaveBeenCalledWith(
      `refusing to append: tree ${TREE_ID}: the stored right edge does not hash to the stored root at size ${before.head.size}`,
    );
    errors.mockRestore();
    const after = await stored();
    expect({ ...after, head: { ...after.head, right_edge: edge } }).toEqual(before);
    // Put back, the edge is appended to as before.
    await db.query('UPDATE tree_state SET right_edge = $2 WHERE tree_id = $1', [
      TREE_ID.toString(),
      edge,
    ]);
    const [result] = await integrator.integrate(tree, signing, [entry(20_000)]);
    expect(result!.leafIndex).toBe(BigInt(before.head.size));
  });

  it('refuses to append to a tree another process froze, and writes nothing', async () => {
    await db.query('UPDATE log_tree SET active = false, frozen_at = now() WHERE id = $1', [
      TREE_ID.toString(),
    ]);
    const before = await stored();
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    // `tree` is this process's copy, still marked active: the head's lock reads the truth.
    expect(tree.active).toBe(true);
    await expect(integrator.integrate(tree, signing, [entry(30_000)])).rejects.toThrow(
      'the log refuses to append: this tree is frozen (its signing key was replaced); restart this log process',
    );
    expect(errors).toHaveBeenCalledWith(
      `refusing to append: tree ${TREE_ID} is frozen: its signing key was replaced`,
    );
    errors.mockRestore();
    expect(await stored()).toEqual(before);
  });
});

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Every tile of `memory`'s tree as C2SP tlog-tiles lays it out, from its node hashes. */
function expectedTiles(memory: MemoryTree): Map<string, string> {
  const tiles = new Map<string, string>();
  const treeSize = memory.size;
  for (let tileLevel = 0; tileCount(tileLevel, treeSize) > 0n; tileLevel++) {
    for (let tileIndex = 0n; tileIndex < tileCount(tileLevel, treeSize); tileIndex++) {
      const width = tileWidth(tileLevel, tileIndex, treeSize);
      const first = tileIndex * BigInt(TILE_WIDTH);
      const hashes = Array.from({ length: width }, (_, j) =>
        memory.nodeHash({ level: tileLevel * TILE_HEIGHT, index: first + BigInt(j) }),
      );
      tiles.set(`${tileLevel}/${tileIndex}`, hex(Buffer.concat(hashes)));
    }
  }
  return tiles;
}
