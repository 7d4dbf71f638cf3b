import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { loadBody, type StoredBody } from './stored-body';
import { LogTree, type TreePurpose } from './tree.entities';

/** A tree with its head, as read for serving. */
export interface TreeHead {
  tree: LogTree;
  size: bigint;
  rootHash: Buffer;
  rightEdge: Buffer;
}

export interface NewEntryRow {
  leafIndex: bigint;
  globalIndex: bigint;
  leafHash: Buffer;
  /** The canonical body as stored (see `storeBody`). */
  storedBody: StoredBody;
  kind: string;
  apiVersion: string;
  integratedTime: bigint;
  signedEntryTimestamp: Buffer;
  indexKeys: readonly string[];
}

export interface StoredEntry {
  treeId: bigint;
  leafIndex: bigint;
  globalIndex: bigint;
  leafHash: Buffer;
  body: Buffer;
  kind: string;
  apiVersion: string;
  integratedTime: bigint;
  signedEntryTimestamp: Buffer;
}

interface EntryRow {
  tree_id: string;
  leaf_index: string;
  global_index: string;
  leaf_hash: Buffer;
  body: Buffer;
  body_deflated: boolean;
  kind: string;
  api_version: string;
  integrated_time: string;
  signed_entry_timestamp: Buffer;
}

/** SQL for the stored form of a search key given as text: the SHA-256 of its UTF-8 bytes. */
const KEY_HASH = (text: string) => `sha256(convert_to(${text}, 'UTF8'))`;

const ENTRY_COLUMNS =
  'tree_id, leaf_index, global_index, leaf_hash, body, body_deflated, kind, api_version, integrated_time, signed_entry_timestamp';

function toEntry(r: EntryRow): StoredEntry {
  return {
    treeId: BigInt(r.tree_id),
    leafIndex: BigInt(r.leaf_index),
    globalIndex: BigInt(r.global_index),
    leafHash: r.leaf_hash,
    body: loadBody(r.body, r.body_deflated),
    kind: r.kind,
    apiVersion: r.api_version,
    integratedTime: BigInt(r.integrated_time),
    signedEntryTimestamp: r.signed_entry_timestamp,
  };
}

/** All SQL of the log's trees, tiles, entries and checkpoints. */
@Injectable()
export class TreeRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction on one connection. */
  async transaction<T>(work: (q: QueryRunner) => Promise<T>): Promise<T> {
    const q = this.dataSource.createQueryRunner();
    await q.connect();
    await q.startTransaction();
    try {
      const result = await work(q);
      await q.commitTransaction();
      return result;
    } catch (err) {
      await q.rollbackTransaction();
      throw err;
    } finally {
      await q.release();
    }
  }

  trees(purpose: TreePurpose): Promise<LogTree[]> {
    return this.dataSource
      .getRepository(LogTree)
      .find({ where: { purpose }, order: { indexOffset: 'ASC' } });
  }

  tree(id: bigint): Promise<LogTree | null> {
    return this.dataSource.getRepository(LogTree).findOneBy({ id });
  }

  async head(tree: LogTree, q: QueryRunner, lock = false): Promise<TreeHead> {
    const rows = (await q.query(
      `SELECT size, root_hash, right_edge FROM tree_state WHERE tree_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [tree.id.toString()],
    )) as Array<{ size: string; root_hash: Buffer; right_edge: Buffer }>;
    const row = rows[0];
    if (row === undefined) throw new Error(`tree ${tree.id} has no state row`);
    return { tree, size: BigInt(row.size), rootHash: row.root_hash, rightEdge: row.right_edge };
  }

  /** Leaf hashes among `leafHashes` already in the tree, with their indices (hex → index). */
  async existing(
    q: QueryRunner,
    treeId: bigint,
    leafHashes: Buffer[],
  ): Promise<Map<string, bigint>> {
    const rows = (await q.query(
      'SELECT leaf_hash, leaf_index FROM log_entry WHERE tree_id = $1 AND leaf_hash = ANY($2::bytea[])',
      [treeId.toString(), leafHashes],
    )) as Array<{ leaf_hash: Buffer; leaf_index: string }>;
    return new Map(rows.map((r) => [r.leaf_hash.toString('hex'), BigInt(r.leaf_index)]));
  }

  /** Inserts entries of `tree` (its purpose scopes their global indices) and their search keys. */
  async insertEntries(
    q: QueryRunner,
    tree: Pick<LogTree, 'id' | 'purpose'>,
    rows: NewEntryRow[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const treeId = tree.id;
    await q.query(
      `INSERT INTO log_entry (purpose, ${ENTRY_COLUMNS})
       SELECT $11::text, $1::bigint, * FROM unnest($2::bigint[], $3::bigint[], $4::bytea[], $5::bytea[], $6::boolean[], $7::text[], $8::text[], $9::bigint[], $10::bytea[])`,
      [
        treeId.toString(),
        rows.map((r) => r.leafIndex.toString()),
        rows.map((r) => r.globalIndex.toString()),
        rows.map((r) => r.leafHash),
        rows.map((r) => r.storedBody.bytes),
        rows.map((r) => r.storedBody.deflated),
        rows.map((r) => r.kind),
        rows.map((r) => r.apiVersion),
        rows.map((r) => r.integratedTime.toString()),
        rows.map((r) => r.signedEntryTimestamp),
        tree.purpose,
      ],
    );
    const keys = rows.flatMap((r) =>
      r.indexKeys.map((key) => [key, r.leafIndex.toString()] as const),
    );
    if (keys.length > 0) {
      // One row per entry with the digests of its distinct keys.
      await q.query(
        `INSERT INTO search_index (tree_id, leaf_index, key_sha256s)
         SELECT $1::bigint, i, array_agg(DISTINCT ${KEY_HASH('k')})
         FROM unnest($2::text[], $3::bigint[]) AS t(k, i) GROUP BY i`,
        [treeId.toString(), keys.map((k) => k[0]), keys.map((k) => k[1])],
      );
    }
  }

  /** Appends hashes to tiles (creating them as needed); a trigger refuses anything but growth. */
  async appendToTiles(
    q: QueryRunner,
    treeId: bigint,
    tiles: Array<{ tileLevel: number; tileIndex: bigint; hashes: Buffer }>,
  ): Promise<void> {
    if (tiles.length === 0) return;
    await q.query(
      `INSERT INTO hash_tile (tree_id, tile_level, tile_index, hashes)
       SELECT $1::bigint, * FROM unnest($2::smallint[], $3::bigint[], $4::bytea[])
       ON CONFLICT (tree_id, tile_level, tile_index) DO UPDATE SET hashes = hash_tile.hashes || EXCLUDED.hashes`,
      [
        treeId.toString(),
        tiles.map((t) => t.tileLevel),
        tiles.map((t) => t.tileIndex.toString()),
        tiles.map((t) => t.hashes),
      ],
    );
  }

  async advance(
    q: QueryRunner,
    treeId: bigint,
    size: bigint,
    rootHash: Buffer,
    rightEdge: Buffer,
  ): Promise<void> {
    await q.query(
      'UPDATE tree_state SET size = $2, root_hash = $3, right_edge = $4 WHERE tree_id = $1',
      [treeId.toString(), size.toString(), rootHash, rightEdge],
    );
  }

  async insertCheckpoint(
    q: QueryRunner,
    treeId: bigint,
    treeSize: bigint,
    rootHash: Buffer,
    note: string,
  ): Promise<void> {
    await q.query(
      'INSERT INTO checkpoint (tree_id, tree_size, root_hash, note) VALUES ($1, $2, $3, $4)',
      [treeId.toString(), treeSize.toString(), rootHash, note],
    );
  }

  /** The newest checkpoint of a tree, if any. */
  async latestCheckpoint(
    treeId: bigint,
  ): Promise<{ treeSize: bigint; rootHash: Buffer; note: string } | undefined> {
    const rows = await this.dataSource.query<
      Array<{ tree_size: string; root_hash: Buffer; note: string }>
    >(
      'SELECT tree_size, root_hash, note FROM checkpoint WHERE tree_id = $1 ORDER BY tree_size DESC LIMIT 1',
      [treeId.toString()],
    );
    const row = rows[0];
    return row && { treeSize: BigInt(row.tree_size), rootHash: row.root_hash, note: row.note };
  }

  /** The hashes of a tile as stored now (possibly wider than a given tree size needs). */
  async tile(treeId: bigint, tileLevel: number, tileIndex: bigint): Promise<Buffer | undefined> {
    const rows = await this.dataSource.query<Array<{ hashes: Buffer }>>(
      'SELECT hashes FROM hash_tile WHERE tree_id = $1 AND tile_level = $2 AND tile_index = $3',
      [treeId.toString(), tileLevel, tileIndex.toString()],
    );
    return rows[0]?.hashes;
  }

  async entriesInRange(treeId: bigint, begin: bigint, end: bigint): Promise<StoredEntry[]> {
    const rows = await this.dataSource.query<EntryRow[]>(
      `SELECT ${ENTRY_COLUMNS} FROM log_entry WHERE tree_id = $1 AND leaf_index >= $2 AND leaf_index < $3 ORDER BY leaf_index`,
      [treeId.toString(), begin.toString(), end.toString()],
    );
    return rows.map(toEntry);
  }

  /** The entry at `globalIndex` among the trees of `purpose` (global indices are per purpose). */
  async entryByGlobalIndex(
    globalIndex: bigint,
    purpose: TreePurpose = 'artifact',
  ): Promise<StoredEntry | undefined> {
    const rows = await this.dataSource.query<EntryRow[]>(
      `SELECT ${ENTRY_COLUMNS} FROM log_entry WHERE purpose = $1 AND global_index = $2`,
      [purpose, globalIndex.toString()],
    );
    return rows[0] && toEntry(rows[0]);
  }

  /**
   * The entry with this leaf hash in `treeId`, or in any tree of `purpose` when `treeId` is
   * undefined. Entries of trees of another purpose are never returned.
   */
  async entryByLeafHash(
    leafHash: Buffer,
    treeId?: bigint,
    purpose: TreePurpose = 'artifact',
  ): Promise<StoredEntry | undefined> {
    const rows = await this.dataSource.query<EntryRow[]>(
      `SELECT ${ENTRY_COLUMNS} FROM log_entry WHERE leaf_hash = $1 AND purpose = $2${treeId === undefined ? '' : ' AND tree_id = $3'}
       ORDER BY global_index LIMIT 1`,
      treeId === undefined ? [leafHash, purpose] : [leafHash, purpose, treeId.toString()],
    );
    return rows[0] && toEntry(rows[0]);
  }

  /** The first entry of `treeId` filed under search key `key`, if any. */
  async entryByIndexKey(treeId: bigint, key: string): Promise<StoredEntry | undefined> {
    const rows = await this.dataSource.query<EntryRow[]>(
      `SELECT ${ENTRY_COLUMNS} FROM log_entry e WHERE (e.tree_id, e.leaf_index) IN (
         SELECT tree_id, leaf_index FROM search_index
         WHERE key_sha256s @> ARRAY[${KEY_HASH('$1')}] AND tree_id = $2)
       ORDER BY e.leaf_index LIMIT 1`,
      [key, treeId.toString()],
    );
    return rows[0] && toEntry(rows[0]);
  }

  async entryAt(treeId: bigint, leafIndex: bigint): Promise<StoredEntry | undefined> {
    const rows = await this.dataSource.query<EntryRow[]>(
      `SELECT ${ENTRY_COLUMNS} FROM log_entry WHERE tree_id = $1 AND leaf_index = $2`,
      [treeId.toString(), leafIndex.toString()],
    );
    return rows[0] && toEntry(rows[0]);
  }

  /** Entries whose index keys include every key (`and`) or any key (`or`). */
  async search(keys: string[], operator: 'and' | 'or'): Promise<StoredEntry[]> {
    // `@>` with no keys would match every entry.
    if (keys.length === 0) return [];
    const rows = await this.dataSource.query<EntryRow[]>(
      `SELECT ${ENTRY_COLUMNS} FROM log_entry e WHERE (e.tree_id, e.leaf_index) IN (
         SELECT tree_id, leaf_index FROM search_index
         WHERE key_sha256s ${operator === 'and' ? '@>' : '&&'} ARRAY(SELECT ${KEY_HASH('k')} FROM unnest($1::text[]) AS k))
       ORDER BY e.global_index LIMIT 1000`,
      [keys],
    );
    return rows.map(toEntry);
  }
}
