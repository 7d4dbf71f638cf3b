import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintTransformer } from '@app/platform';
import { purposeCheck, type TreePurpose } from '../purposes';

/**
 * One Merkle tree (a Rekor "shard"): its own id, origin and key. At most one tree per purpose is
 * active; frozen trees stay readable and verifiable. Global indices continue across trees.
 */
@Entity('log_tree')
@Check('CHK_log_tree_id', `"id" > 0`)
@Check('CHK_log_tree_purpose', purposeCheck('purpose'))
@Index('UQ_log_tree_active_purpose', ['purpose'], { unique: true, where: '"active"' })
export class LogTree {
  /** Random positive 63-bit id (Trillian's tree ID); decimal in checkpoints, hex in entry UUIDs. */
  @PrimaryColumn({ type: 'bigint', transformer: bigintTransformer })
  id!: bigint;

  @Column({ type: 'text' })
  purpose!: TreePurpose;

  @Column({ type: 'text' })
  origin!: string;

  @Column({ type: 'boolean' })
  active!: boolean;

  /** DER SubjectPublicKeyInfo of the tree's signing key. */
  @Column({ name: 'public_key', type: 'bytea' })
  publicKey!: Buffer;

  /** SHA-256 of `publicKey`: Rekor's logID and the RFC 6962 log id. */
  @Column({ name: 'log_id', type: 'bytea' })
  logId!: Buffer;

  /** Global index of this tree's leaf 0: the total size of the earlier trees of its purpose. */
  @Column({ name: 'index_offset', type: 'bigint', transformer: bigintTransformer })
  indexOffset!: bigint;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'frozen_at', type: 'timestamptz', nullable: true })
  frozenAt!: Date | null;
}

/** The head of a tree: locked `FOR UPDATE` by the one writer that integrates a batch. */
@Entity('tree_state')
export class TreeState {
  @PrimaryColumn({ name: 'tree_id', type: 'bigint', transformer: bigintTransformer })
  treeId!: bigint;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  size!: bigint;

  @Column({ name: 'root_hash', type: 'bytea' })
  rootHash!: Buffer;

  /** The compact range at `size`: right-edge perfect-subtree hashes, 32 bytes each, largest first. */
  @Column({ name: 'right_edge', type: 'bytea' })
  rightEdge!: Buffer;
}

/**
 * A C2SP tlog-tiles hash tile: up to 256 node hashes of Merkle level 8·tileLevel. A partial tile
 * only grows (a trigger enforces it) until it is full, then never changes.
 */
@Entity('hash_tile')
@Check('CHK_hash_tile_width', `length("hashes") BETWEEN 32 AND 8192 AND length("hashes") % 32 = 0`)
export class HashTile {
  @PrimaryColumn({ name: 'tree_id', type: 'bigint', transformer: bigintTransformer })
  treeId!: bigint;

  @PrimaryColumn({ name: 'tile_level', type: 'smallint' })
  tileLevel!: number;

  @PrimaryColumn({ name: 'tile_index', type: 'bigint', transformer: bigintTransformer })
  tileIndex!: bigint;

  /** Concatenated 32-byte hashes; the tile's width is `length / 32`. */
  @Column({ type: 'bytea' })
  hashes!: Buffer;
}

/** Every checkpoint the log signed, one per integrated batch. */
@Entity('checkpoint')
export class CheckpointRecord {
  @PrimaryColumn({ name: 'tree_id', type: 'bigint', transformer: bigintTransformer })
  treeId!: bigint;

  @PrimaryColumn({ name: 'tree_size', type: 'bigint', transformer: bigintTransformer })
  treeSize!: bigint;

  @Column({ name: 'root_hash', type: 'bytea' })
  rootHash!: Buffer;

  /** The signed note, exactly as served. */
  @Column({ type: 'text' })
  note!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
