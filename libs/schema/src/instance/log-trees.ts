import type { DataSource } from 'typeorm';
import type { TreePurpose } from '../purposes';

/**
 * A log tree as the CA publishes it in the trusted root and signing config: the log writes
 * `log_tree`, the CA only reads these columns.
 */
export interface PublishedLogTree {
  purpose: TreePurpose;
  /** The checkpoint origin (for a Rekor v2 shard, the hostname of its URL). */
  origin: string;
  /** DER SubjectPublicKeyInfo of the tree's key. */
  publicKey: Buffer;
  logId: Buffer;
  createdAt: Date;
  /** When the tree stopped accepting entries (its key was replaced); null while active. */
  frozenAt: Date | null;
}

const SELECT_TREES =
  'SELECT purpose, origin, public_key, log_id, created_at, frozen_at FROM log_tree ORDER BY created_at';

/** Every tree of the log, oldest first: the CA's one read of the log's tables. */
export async function readPublishedLogTrees(dataSource: DataSource): Promise<PublishedLogTree[]> {
  const rows = await dataSource.query<
    Array<{
      purpose: TreePurpose;
      origin: string;
      public_key: Buffer;
      log_id: Buffer;
      created_at: Date;
      frozen_at: Date | null;
    }>
  >(SELECT_TREES);
  return rows.map((r) => ({
    purpose: r.purpose,
    origin: r.origin,
    publicKey: r.public_key,
    logId: r.log_id,
    createdAt: r.created_at,
    frozenAt: r.frozen_at,
  }));
}
