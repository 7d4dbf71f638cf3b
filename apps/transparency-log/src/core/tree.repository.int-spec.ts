import type { DataSource } from 'typeorm';
import { emptyRoot } from '@app/merkle';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import { openLogDataSource } from './testing';
import { type NewTree, TreeRepository } from './tree.repository';

const root = Buffer.from(emptyRoot());
const hash = (byte: number) => Buffer.alloc(32, byte);

function newTree(id: bigint, purpose: 'artifact' | 'ct' = 'artifact'): NewTree {
  return {
    id,
    purpose,
    origin: `log.test/${id}`,
    publicKey: Buffer.from(`key of ${id}`),
    logId: hash(Number(id % 200n)),
    indexOffset: 0n,
  };
}

describe(TreeRepository.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let repo: TreeRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openLogDataSource(db.url, 'signet-test-tree-repository');
    repo = new TreeRepository(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('creates a tree with an empty head and finds it as the active tree of its purpose', async () => {
    await repo.transaction((q) => repo.insertTree(q, newTree(11n), root));
    const tree = (await repo.tree(11n))!;
    expect(tree).toMatchObject({ id: 11n, purpose: 'artifact', active: true, indexOffset: 0n });
    const head = await repo.transaction((q) => repo.head(tree, q));
    expect(head).toMatchObject({ size: 0n, rootHash: root, rightEdge: Buffer.alloc(0) });
    expect(await repo.transaction((q) => repo.activeTreeId(q, 'artifact'))).toBe(11n);
    expect(await repo.transaction((q) => repo.activeTreeId(q, 'ct'))).toBeUndefined();
    expect(await repo.tree(12n)).toBeNull();
  });

  it("reports the error that ended a transaction, not the rollback's, when its connection died", async () => {
    // The connection is terminated under the transaction, as a Postgres crash would: the rollback
    // fails as well, and must not hide why the work failed.
    const failure = repo.transaction(async (q) => {
      await q.query('SELECT pg_terminate_backend(pg_backend_pid())');
    });
    await expect(failure).rejects.toThrow(/terminating connection/);
    // The pool still serves the next transaction.
    await expect(repo.transaction((q) => repo.activeTreeId(q, 'ct'))).resolves.toBeUndefined();
  });

  it('refuses a second active tree of one purpose, and leaves the first as it was', async () => {
    await expect(repo.transaction((q) => repo.insertTree(q, newTree(12n), root))).rejects.toThrow(
      /UQ_log_tree_active_purpose/,
    );
    expect(await repo.tree(12n)).toBeNull();
    expect(await db.query('SELECT tree_id FROM tree_state WHERE tree_id = 12')).toEqual([]);
  });

  it('freezes a tree, after which another of its purpose can be created; trees list oldest first', async () => {
    await repo.transaction(async (q) => {
      await repo.freeze(q, 11n);
      await repo.insertTree(q, { ...newTree(12n), indexOffset: 5n }, root);
    });
    expect((await repo.tree(11n))!.active).toBe(false);
    expect((await repo.tree(11n))!.frozenAt).toBeInstanceOf(Date);
    expect((await repo.trees('artifact')).map((t) => t.id)).toEqual([11n, 12n]);
    expect(await repo.trees('ct')).toEqual([]);
  });

  it('appends to tiles, creating them and growing them, and reads them back', async () => {
    await repo.transaction((q) =>
      repo.appendToTiles(q, 12n, [
        { tileLevel: 0, tileIndex: 0n, hashes: Buffer.concat([hash(1), hash(2)]) },
        { tileLevel: 1, tileIndex: 0n, hashes: hash(9) },
      ]),
    );
    await repo.transaction((q) =>
      repo.appendToTiles(q, 12n, [{ tileLevel: 0, tileIndex: 0n, hashes: hash(3) }]),
    );
    expect(await repo.tile(12n, 0, 0n)).toEqual(Buffer.concat([hash(1), hash(2), hash(3)]));
    expect(await repo.tile(12n, 1, 0n)).toEqual(hash(9));
    expect(await repo.tile(12n, 0, 1n)).toBeUndefined();
    expect(await repo.tile(11n, 0, 0n)).toBeUndefined();
  });

  it('never lets a stored tile change other than by growing', async () => {
    await expect(
      db.query(`UPDATE hash_tile SET hashes = $1 WHERE tree_id = 12 AND tile_level = 0`, [
        Buffer.concat([hash(7), hash(2), hash(3)]),
      ]),
    ).rejects.toThrow('hash tile (12, 0, 0) may only grow by appending hashes');
    expect(await repo.tile(12n, 0, 0n)).toEqual(Buffer.concat([hash(1), hash(2), hash(3)]));
  });

  it('advances the head and stores checkpoints; the latest is the largest', async () => {
    await repo.transaction(async (q) => {
      await repo.advance(q, 12n, 3n, hash(0xaa), Buffer.concat([hash(4), hash(3)]));
      await repo.insertCheckpoint(q, 12n, 3n, hash(0xaa), 'note at 3');
    });
    await repo.transaction((q) => repo.insertCheckpoint(q, 12n, 0n, root, 'note at 0'));
    const tree = (await repo.tree(12n))!;
    const head = await repo.transaction((q) => repo.head(tree, q));
    expect(head).toMatchObject({ size: 3n, rootHash: hash(0xaa) });
    expect(head.rightEdge).toEqual(Buffer.concat([hash(4), hash(3)]));
    expect(await repo.latestCheckpoint(12n)).toEqual({
      treeSize: 3n,
      rootHash: hash(0xaa),
      note: 'note at 3',
    });
    expect(await repo.latestCheckpoint(99n)).toBeUndefined();
  });

  it('rolls back everything a failing transaction wrote', async () => {
    const tree = (await repo.tree(12n))!;
    await expect(
      repo.transaction(async (q) => {
        await repo.appendToTiles(q, 12n, [{ tileLevel: 0, tileIndex: 0n, hashes: hash(5) }]);
        await repo.advance(q, 12n, 4n, hash(0xbb), hash(5));
        await repo.insertCheckpoint(q, 12n, 4n, hash(0xbb), 'note at 4');
        throw new Error('the signer is unplugged');
      }),
    ).rejects.toThrow('the signer is unplugged');
    expect(await repo.tile(12n, 0, 0n)).toHaveLength(3 * 32);
    expect((await repo.transaction((q) => repo.head(tree, q))).size).toBe(3n);
    expect((await repo.latestCheckpoint(12n))!.treeSize).toBe(3n);
  });

  it('holds the locked head until the holder commits: a second writer waits its turn', async () => {
    const tree = (await repo.tree(12n))!;
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = repo.transaction(async (q) => {
      await repo.head(tree, q, true);
      order.push('first locked');
      await held;
      await repo.advance(q, 12n, 4n, hash(0xcc), hash(6));
      order.push('first done');
    });
    // Let the first take the lock before the second asks for it.
    while (order.length === 0) await new Promise((r) => setTimeout(r, 5));
    const second = repo.transaction(async (q) => {
      const head = await repo.head(tree, q, true);
      order.push(`second saw ${head.size}`);
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(order).toEqual(['first locked']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first locked', 'first done', 'second saw 4']);
  });
});
