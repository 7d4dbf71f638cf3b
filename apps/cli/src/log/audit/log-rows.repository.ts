/* The log's rows, read straight from Postgres by `signet log audit --database`: what the
   tables hold, whatever the log serves. */
import { inflateRawSync } from 'node:zlib';
import type { DataSource } from 'typeorm';
import { openInstanceDatabase } from '../../cli/instance-database.repository';

/** The largest body the log ever accepts (LOG_MAX_BODY_BYTES' bound). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** One `log_entry` row: its canonical body (inflated) and the leaf hash stored beside it. */
export interface EntryRow {
  readonly leafIndex: bigint;
  readonly leafHash: Uint8Array;
  readonly body: Uint8Array;
}

/** One `checkpoint` row. */
export interface CheckpointRow {
  readonly treeSize: bigint;
  readonly rootHash: Uint8Array;
  readonly note: string;
}

/** Reads `log_tree`, `log_entry`, `hash_tile` and `checkpoint` rows. */
export class LogRows {
  private constructor(private readonly db: DataSource) {}

  static async open(url: string): Promise<LogRows> {
    return new LogRows(await openInstanceDatabase(url));
  }

  /** The id of the tree whose checkpoints have `origin`, if the database has it. */
  async treeId(origin: string): Promise<bigint | undefined> {
    const rows = await this.db.query<Array<{ id: string }>>(
      'SELECT id::text AS id FROM log_tree WHERE origin = $1',
      [origin],
    );
    return rows.length === 1 ? BigInt(rows[0]!.id) : undefined;
  }

  /** The entries `[begin, end)` of a tree, by leaf index. */
  async entries(treeId: bigint, begin: bigint, end: bigint): Promise<EntryRow[]> {
    const rows = await this.db.query<
      Array<{ leaf_index: string; leaf_hash: Buffer; body: Buffer; body_deflated: boolean }>
    >(
      `SELECT leaf_index::text AS leaf_index, leaf_hash, body, body_deflated FROM log_entry
        WHERE tree_id = $1 AND leaf_index >= $2 AND leaf_index < $3 ORDER BY leaf_index`,
      [treeId.toString(), begin.toString(), end.toString()],
    );
    return rows.map((r) => ({
      leafIndex: BigInt(r.leaf_index),
      leafHash: r.leaf_hash,
      body: r.body_deflated ? inflateRawSync(r.body, { maxOutputLength: MAX_BODY_BYTES }) : r.body,
    }));
  }

  /** The stored hashes of a tile (all of them: the row may have grown past the audited size). */
  async tile(
    treeId: bigint,
    tileLevel: number,
    tileIndex: bigint,
  ): Promise<Uint8Array | undefined> {
    const rows = await this.db.query<Array<{ hashes: Buffer }>>(
      'SELECT hashes FROM hash_tile WHERE tree_id = $1 AND tile_level = $2 AND tile_index = $3',
      [treeId.toString(), tileLevel, tileIndex.toString()],
    );
    return rows[0]?.hashes;
  }

  /** The stored checkpoints of a tree with `from <= tree_size <= to`, by size. */
  async checkpoints(treeId: bigint, from: bigint, to: bigint): Promise<CheckpointRow[]> {
    const rows = await this.db.query<Array<{ tree_size: string; root_hash: Buffer; note: string }>>(
      `SELECT tree_size::text AS tree_size, root_hash, note FROM checkpoint
        WHERE tree_id = $1 AND tree_size >= $2 AND tree_size <= $3 ORDER BY tree_size`,
      [treeId.toString(), from.toString(), to.toString()],
    );
    return rows.map((r) => ({
      treeSize: BigInt(r.tree_size),
      rootHash: r.root_hash,
      note: r.note,
    }));
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
