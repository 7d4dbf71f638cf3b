import { inflateRawSync } from 'node:zlib';
import type { DataSource } from 'typeorm';

/** A stored entry whose canonical body is larger than the audit's limit. */
export interface OversizedEntry {
  treeId: string;
  leafIndex: string;
  bytes: number;
}

/** The largest body the log ever accepts (LOG_MAX_BODY_BYTES' bound). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

const PAGE = `SELECT tree_id::text AS tree_id, leaf_index::text AS leaf_index, body, body_deflated
  FROM log_entry WHERE (tree_id, leaf_index) > ($1::bigint, $2::bigint)
  ORDER BY tree_id, leaf_index LIMIT $3`;

/**
 * Every stored entry whose canonical body (inflated when stored deflated) is over `limit` bytes,
 * read in pages of `pageSize` by primary key: the audit for entries logged before the log refused
 * them at submission (a C2SP entry bundle holds at most 65,535 bytes per entry, so each such
 * entry breaks its `tile/entries` for good). Reads every body once; meant for `db:audit`.
 */
export async function oversizedEntries(
  dataSource: DataSource,
  limit: number,
  pageSize = 1000,
): Promise<OversizedEntry[]> {
  const found: OversizedEntry[] = [];
  let after = { tree_id: '-1', leaf_index: '-1' };
  for (;;) {
    const rows = await dataSource.query<
      Array<{ tree_id: string; leaf_index: string; body: Buffer; body_deflated: boolean }>
    >(PAGE, [after.tree_id, after.leaf_index, pageSize]);
    for (const row of rows) {
      const bytes = row.body_deflated
        ? inflateRawSync(row.body, { maxOutputLength: MAX_BODY_BYTES }).length
        : row.body.length;
      if (bytes > limit) found.push({ treeId: row.tree_id, leafIndex: row.leaf_index, bytes });
    }
    if (rows.length < pageSize) return found;
    after = rows[rows.length - 1]!;
  }
}
