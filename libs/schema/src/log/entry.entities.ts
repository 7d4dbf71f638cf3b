import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@app/platform';
import { purposeCheck, type TreePurpose } from '../purposes';

/**
 * A logged entry, never updated or deleted. For artifact trees the canonical body is the Merkle
 * leaf; for CT trees the leaf is the RFC 6962 MerkleTreeLeaf inside the body (see the log's `personalities/ct/`).
 */
@Entity('log_entry')
@Index('UQ_log_entry_leaf_hash', ['treeId', 'leafHash'], { unique: true })
@Index('UQ_log_entry_global_index', ['purpose', 'globalIndex'], { unique: true })
@Check('CHK_log_entry_purpose', purposeCheck('purpose'))
export class LogEntryRecord {
  @PrimaryColumn({ name: 'tree_id', type: 'bigint', transformer: bigintTransformer })
  treeId!: bigint;

  @PrimaryColumn({ name: 'leaf_index', type: 'bigint', transformer: bigintTransformer })
  leafIndex!: bigint;

  /** The purpose of the entry's tree: global indices are numbered per purpose. */
  @Column({ type: 'text' })
  purpose!: TreePurpose;

  /** Index across the trees of its purpose: the tree's `index_offset` plus `leaf_index`. */
  @Column({ name: 'global_index', type: 'bigint', transformer: bigintTransformer })
  globalIndex!: bigint;

  @Column({ name: 'leaf_hash', type: 'bytea' })
  leafHash!: Buffer;

  /** The canonical body, or its raw DEFLATE (RFC 1951) when `bodyDeflated`. */
  @Column({ type: 'bytea' })
  body!: Buffer;

  /** Whether `body` is stored deflated (when that is smaller); rows from before are raw. */
  @Column({ name: 'body_deflated', type: 'boolean', default: false })
  bodyDeflated!: boolean;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'api_version', type: 'text' })
  apiVersion!: string;

  /** Rekor's signedEntryTimestamp, made at integration, so frozen trees keep theirs. */
  @Column({ name: 'signed_entry_timestamp', type: 'bytea' })
  signedEntryTimestamp!: Buffer;

  /** Unix seconds at integration. */
  @Column({ name: 'integrated_time', type: 'bigint', transformer: bigintTransformer })
  integratedTime!: bigint;
}

/**
 * Search keys of entries (artifact digest, signer identity, key fingerprint), written in the same
 * transaction as the entry so a search never misses a logged entry: one row per entry holding the
 * SHA-256 of each key's UTF-8 text, computed in SQL (`sha256(convert_to(key, 'UTF8'))`) on both
 * write and lookup, under a GIN index (`IDX_search_index_key_sha256s`, created by its migration:
 * TypeORM cannot declare GIN indexes, so it is told to leave that one alone).
 */
@Entity('search_index')
@Index('IDX_search_index_key_sha256s', { synchronize: false })
@Check(
  'CHK_search_index_key_sha256s',
  'cardinality("key_sha256s") >= 1 AND signet_are_sha256_digests("key_sha256s")',
)
export class SearchIndexRecord {
  @PrimaryColumn({
    name: 'tree_id',
    type: 'bigint',
    transformer: bigintTransformer,
    primaryKeyConstraintName: 'PK_search_index',
  })
  treeId!: bigint;

  @PrimaryColumn({
    name: 'leaf_index',
    type: 'bigint',
    transformer: bigintTransformer,
    primaryKeyConstraintName: 'PK_search_index',
  })
  leafIndex!: bigint;

  @Column({ name: 'key_sha256s', type: 'bytea', array: true })
  keySha256s!: Buffer[];
}
