import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { LogTree, type TreePurpose } from '@app/schema';

/** A tree with its head, as read for serving. */
export interface TreeHead {
  tree: LogTree;
  size: bigint;
  rootHash: Buffer;
  rightEdge: Buffer;
  /** `log_tree.active` as read with the head: a frozen tree takes no more entries. */
  active: boolean;
}

/** A signed checkpoint as stored. */
export interface StoredCheckpoint {
  treeSize: bigint;
  rootHash: Buffer;
  note: string;
}

/** What a new tree is created with. */
export interface NewTree {
  id: bigint;
  purpose: TreePurpose;
  origin: string;
  publicKey: Buffer;
  logId: Buffer;
  indexOffset: bigint;
}

/** The statements on `log_tree`, `tree_state`, `hash_tile` and `checkpoint`, named. */
const SQL = {
  head: `SELECT s.size, s.root_hash, s.right_edge, t.active FROM tree_state s
    JOIN log_tree t ON t.id = s.tree_id WHERE s.tree_id = $1`,
  // Freezing a tree takes this lock first, so the active flag read with it is current.
  headForUpdate: `SELECT s.size, s.root_hash, s.right_edge, t.active FROM tree_state s
    JOIN log_tree t ON t.id = s.tree_id WHERE s.tree_id = $1 FOR UPDATE OF s`,
  lock: 'SELECT pg_advisory_xact_lock($1)',
  activeTreeId: 'SELECT id FROM log_tree WHERE purpose = $1 AND active',
  freeze: 'UPDATE log_tree SET active = false, frozen_at = now() WHERE id = $1',
  insertTree:
    'INSERT INTO log_tree (id, purpose, origin, active, public_key, log_id, index_offset) VALUES ($1, $2, $3, true, $4, $5, $6)',
  insertState:
    'INSERT INTO tree_state (tree_id, size, root_hash, right_edge) VALUES ($1, 0, $2, $3)',
  // A trigger refuses anything but growth.
  appendToTiles: `INSERT INTO hash_tile (tree_id, tile_level, tile_index, hashes)
    SELECT $1::bigint, * FROM unnest($2::smallint[], $3::bigint[], $4::bytea[])
    ON CONFLICT (tree_id, tile_level, tile_index) DO UPDATE SET hashes = hash_tile.hashes || EXCLUDED.hashes`,
  advance: 'UPDATE tree_state SET size = $2, root_hash = $3, right_edge = $4 WHERE tree_id = $1',
  insertCheckpoint:
    'INSERT INTO checkpoint (tree_id, tree_size, root_hash, note) VALUES ($1, $2, $3, $4)',
  latestCheckpoint:
    'SELECT tree_size, root_hash, note FROM checkpoint WHERE tree_id = $1 ORDER BY tree_size DESC LIMIT 1',
  tile: 'SELECT hashes FROM hash_tile WHERE tree_id = $1 AND tile_level = $2 AND tile_index = $3',
} as const;

/** The log's trees (`log_tree`), their heads (`tree_state`), tiles and checkpoints. */
@Injectable()
export class TreeRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction on one connection. */
  async transaction<T>(work: (q: QueryRunner) => Promise<T>): Promise<T> {
    const q = this.dataSource.createQueryRunner();
    try {
      await q.connect();
      await q.startTransaction();
      const result = await work(q);
      await q.commitTransaction();
      return result;
    } catch (err) {
      // On a connection the server dropped (a Postgres crash) the rollback fails too; the error
      // worth reporting is the first one, so the rollback's own is not allowed to replace it.
      if (q.isTransactionActive) await q.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await q.release();
    }
  }

  /** Takes the transaction-scoped advisory lock `key` (released at commit or rollback). */
  async lock(q: QueryRunner, key: number): Promise<void> {
    await q.query(SQL.lock, [key]);
  }

  /** Every tree of `purpose`, oldest first. */
  trees(purpose: TreePurpose, q?: QueryRunner): Promise<LogTree[]> {
    return (q?.manager ?? this.dataSource.manager)
      .getRepository(LogTree)
      .find({ where: { purpose }, order: { indexOffset: 'ASC' } });
  }

  tree(id: bigint, q?: QueryRunner): Promise<LogTree | null> {
    return (q?.manager ?? this.dataSource.manager).getRepository(LogTree).findOneBy({ id });
  }

  /** The id of the active tree of `purpose`, if there is one. */
  async activeTreeId(q: QueryRunner, purpose: TreePurpose): Promise<bigint | undefined> {
    const rows = (await q.query(SQL.activeTreeId, [purpose])) as Array<{ id: string }>;
    return rows[0] === undefined ? undefined : BigInt(rows[0].id);
  }

  /** The head of `tree`; with `lock`, held until the transaction ends (the integration lock). */
  async head(tree: LogTree, q: QueryRunner, lock = false): Promise<TreeHead> {
    const rows = (await q.query(lock ? SQL.headForUpdate : SQL.head, [
      tree.id.toString(),
    ])) as Array<{ size: string; root_hash: Buffer; right_edge: Buffer; active: boolean }>;
    const row = rows[0];
    if (row === undefined) throw new Error(`tree ${tree.id} has no state row`);
    return {
      tree,
      size: BigInt(row.size),
      rootHash: row.root_hash,
      rightEdge: row.right_edge,
      active: row.active,
    };
  }

  /** Makes `treeId` inactive: it keeps serving, and is never appended to again. */
  async freeze(q: QueryRunner, treeId: bigint): Promise<void> {
    await q.query(SQL.freeze, [treeId.toString()]);
  }

  /** Inserts an active tree and its empty head (`emptyRoot` as root, no right edge). */
  async insertTree(q: QueryRunner, tree: NewTree, emptyRoot: Buffer): Promise<void> {
    await q.query(SQL.insertTree, [
      tree.id.toString(),
      tree.purpose,
      tree.origin,
      tree.publicKey,
      tree.logId,
      tree.indexOffset.toString(),
    ]);
    await q.query(SQL.insertState, [tree.id.toString(), emptyRoot, Buffer.alloc(0)]);
  }

  /** Appends hashes to tiles, creating them as needed. */
  async appendToTiles(
    q: QueryRunner,
    treeId: bigint,
    tiles: ReadonlyArray<{ tileLevel: number; tileIndex: bigint; hashes: Buffer }>,
  ): Promise<void> {
    if (tiles.length === 0) return;
    await q.query(SQL.appendToTiles, [
      treeId.toString(),
      tiles.map((t) => t.tileLevel),
      tiles.map((t) => t.tileIndex.toString()),
      tiles.map((t) => t.hashes),
    ]);
  }

  async advance(
    q: QueryRunner,
    treeId: bigint,
    size: bigint,
    rootHash: Buffer,
    rightEdge: Buffer,
  ): Promise<void> {
    await q.query(SQL.advance, [treeId.toString(), size.toString(), rootHash, rightEdge]);
  }

  async insertCheckpoint(
    q: QueryRunner,
    treeId: bigint,
    treeSize: bigint,
    rootHash: Buffer,
    note: string,
  ): Promise<void> {
    await q.query(SQL.insertCheckpoint, [treeId.toString(), treeSize.toString(), rootHash, note]);
  }

  /** The newest checkpoint of a tree, if any (within `q`'s transaction when given). */
  async latestCheckpoint(treeId: bigint, q?: QueryRunner): Promise<StoredCheckpoint | undefined> {
    const rows = (await (q ?? this.dataSource).query(SQL.latestCheckpoint, [
      treeId.toString(),
    ])) as Array<{ tree_size: string; root_hash: Buffer; note: string }>;
    const row = rows[0];
    return row && { treeSize: BigInt(row.tree_size), rootHash: row.root_hash, note: row.note };
  }

  /** The hashes of a tile as stored now (possibly wider than a given tree size needs). */
  async tile(treeId: bigint, tileLevel: number, tileIndex: bigint): Promise<Buffer | undefined> {
    const rows = await this.dataSource.query<Array<{ hashes: Buffer }>>(SQL.tile, [
      treeId.toString(),
      tileLevel,
      tileIndex.toString(),
    ]);
    return rows[0]?.hashes;
  }
}
