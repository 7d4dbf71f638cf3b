import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@app/platform';

/** A logged entry: the canonical body is the Merkle leaf; never updated or deleted. */
@Entity('log_entry')
@Index('UQ_log_entry_leaf_hash', ['treeId', 'leafHash'], { unique: true })
export class LogEntryRecord {
  @PrimaryColumn({ name: 'tree_id', type: 'bigint', transformer: bigintTransformer })
  treeId!: bigint;

  @PrimaryColumn({ name: 'leaf_index', type: 'bigint', transformer: bigintTransformer })
  leafIndex!: bigint;

  @Index('UQ_log_entry_global_index', { unique: true })
  @Column({ name: 'global_index', type: 'bigint', transformer: bigintTransformer })
  globalIndex!: bigint;

  @Column({ name: 'leaf_hash', type: 'bytea' })
  leafHash!: Buffer;

  @Column({ type: 'bytea' })
  body!: Buffer;

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
 * transaction as the entry so a search never misses a logged entry.
 */
@Entity('search_index')
export class SearchIndexRecord {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @PrimaryColumn({ name: 'tree_id', type: 'bigint', transformer: bigintTransformer })
  treeId!: bigint;

  @PrimaryColumn({ name: 'leaf_index', type: 'bigint', transformer: bigintTransformer })
  leafIndex!: bigint;
}
