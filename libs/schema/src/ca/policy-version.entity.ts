import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { bigintTransformer } from '@app/platform';

/**
 * One version of the CA's policy (IAM rules and OIDC issuers): the exact JCS bytes of its
 * snapshot, its digest and the previous version's (a hash chain), who made it and why, and the
 * transparency-log entry it was committed to before it took effect. Append-only; each insert must
 * continue the chain (trigger `policy_version_chain`).
 */
@Entity('policy_version')
@Unique('UQ_policy_version_digest', ['digest'])
@Check('CHK_policy_version_version', `"version" >= 1`)
@Check('CHK_policy_version_digest', `octet_length("digest") = 32`)
@Check('CHK_policy_version_previous', `("version" = 1) = ("previous_digest" IS NULL)`)
@Check('CHK_policy_version_actor_kind', `"actor_kind" IN ('session', 'token', 'file')`)
@Check(
  'CHK_policy_version_log',
  `("log_uuid" IS NULL) = ("log_index" IS NULL) AND ("log_index" IS NULL) = ("log_integrated_time" IS NULL)`,
)
export class PolicyVersionRecord {
  @PrimaryColumn({
    type: 'bigint',
    primaryKeyConstraintName: 'PK_policy_version',
    transformer: bigintTransformer,
  })
  version!: bigint;

  /** SHA-256 of `snapshot`. */
  @Column({ type: 'bytea' })
  digest!: Buffer;

  @Column({ name: 'previous_digest', type: 'bytea', nullable: true })
  previousDigest!: Buffer | null;

  /** The snapshot's JCS bytes, exactly as hashed and logged. */
  @Column({ type: 'bytea' })
  snapshot!: Buffer;

  /**
   * The policy key's DSSE signature of the version's in-toto statement: every CA process checks it
   * before a version takes effect, so a row written by anyone without the key allows nothing.
   */
  @Column({ type: 'bytea' })
  signature!: Buffer;

  @Column({ name: 'actor_kind', type: 'text' })
  actorKind!: 'session' | 'token' | 'file';

  @Column({ name: 'actor_issuer', type: 'text', nullable: true })
  actorIssuer!: string | null;

  @Column({ name: 'actor_subject', type: 'text', nullable: true })
  actorSubject!: string | null;

  @Column({ name: 'actor_display', type: 'text', nullable: true })
  actorDisplay!: string | null;

  @Column({ name: 'token_id', type: 'uuid', nullable: true })
  tokenId!: string | null;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** The Rekor v1 entry of the version's signed statement; null when policy logging is off. */
  @Column({ name: 'log_uuid', type: 'text', nullable: true })
  logUuid!: string | null;

  @Column({ name: 'log_index', type: 'bigint', nullable: true, transformer: bigintTransformer })
  logIndex!: bigint | null;

  @Column({
    name: 'log_integrated_time',
    type: 'bigint',
    nullable: true,
    transformer: bigintTransformer,
  })
  logIntegratedTime!: bigint | null;
}

/** The version in force: one row, advanced one version at a time (trigger `policy_head_advance`). */
@Entity('policy_head')
@Check('CHK_policy_head_singleton', `"id" = 1`)
export class PolicyHead {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'PK_policy_head' })
  id!: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  version!: bigint;

  @ManyToOne(() => PolicyVersionRecord, { nullable: false })
  @JoinColumn({
    name: 'version',
    referencedColumnName: 'version',
    foreignKeyConstraintName: 'FK_policy_head_version',
  })
  versionRecord?: PolicyVersionRecord;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
