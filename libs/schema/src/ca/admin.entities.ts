import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { bigintTransformer } from '@app/platform';

/**
 * An admin API token (issue 17): only its SHA-256 is stored; `id` is the non-secret handle used
 * in lists, audit rows and revocation. Rows are never deleted, and a trigger lets an UPDATE
 * change only `last_used_*` and set `revoked_*` once (migration CreateAdminAuth).
 */
@Entity('admin_api_token')
@Index('UQ_admin_api_token_sha256', ['tokenSha256'], { unique: true })
@Check('CHK_admin_api_token_role', `"role" IN ('viewer', 'editor', 'owner')`)
export class AdminApiTokenRecord {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_admin_api_token' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  role!: string;

  @Column({ name: 'token_sha256', type: 'bytea' })
  tokenSha256!: Buffer;

  /** The token's last 4 characters, to tell tokens apart in a list. */
  @Column({ type: 'text' })
  last4!: string;

  @Column({ name: 'created_by_issuer', type: 'text' })
  createdByIssuer!: string;

  @Column({ name: 'created_by_subject', type: 'text' })
  createdBySubject!: string;

  @Column({ name: 'created_by_display', type: 'text' })
  createdByDisplay!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'last_used_ip', type: 'text', nullable: true })
  lastUsedIp!: string | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_by_issuer', type: 'text', nullable: true })
  revokedByIssuer!: string | null;

  @Column({ name: 'revoked_by_subject', type: 'text', nullable: true })
  revokedBySubject!: string | null;
}

/**
 * One admin action (sign-in, token use, policy change, denied call): append-only (triggers), and
 * hash-chained: `hash` = SHA-256(`prev_hash` ‖ JCS of the row), see admin-audit-chain.ts.
 */
@Entity('admin_audit_event')
@Index('IDX_admin_audit_event_at', ['at'])
@Index('UQ_admin_audit_event_hash', ['hash'], { unique: true })
@Check('CHK_admin_audit_event_outcome', `"outcome" IN ('success', 'failure')`)
export class AdminAuditEventRecord {
  @PrimaryGeneratedColumn('increment', {
    type: 'bigint',
    primaryKeyConstraintName: 'PK_admin_audit_event',
  })
  id!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text' })
  outcome!: string;

  /** `session`, `token`, `system` (the CLI on the server), or NULL (nobody authenticated). */
  @Column({ name: 'actor_kind', type: 'text', nullable: true })
  actorKind!: string | null;

  @Column({ name: 'actor_issuer', type: 'text', nullable: true })
  actorIssuer!: string | null;

  @Column({ name: 'actor_subject', type: 'text', nullable: true })
  actorSubject!: string | null;

  @Column({ name: 'actor_display', type: 'text', nullable: true })
  actorDisplay!: string | null;

  @Column({ name: 'actor_role', type: 'text', nullable: true })
  actorRole!: string | null;

  @Column({ name: 'token_id', type: 'uuid', nullable: true })
  tokenId!: string | null;

  @Column({ type: 'text', nullable: true })
  target!: string | null;

  @Column({ name: 'http_status', type: 'integer', nullable: true })
  httpStatus!: number | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({
    name: 'policy_version_before',
    type: 'bigint',
    nullable: true,
    transformer: bigintTransformer,
  })
  policyVersionBefore!: bigint | null;

  @Column({
    name: 'policy_version_after',
    type: 'bigint',
    nullable: true,
    transformer: bigintTransformer,
  })
  policyVersionAfter!: bigint | null;

  @Column({ type: 'jsonb', nullable: true })
  details!: Record<string, unknown> | null;

  @Column({ name: 'client_address', type: 'text', nullable: true })
  clientAddress!: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;

  @Column({ name: 'prev_hash', type: 'bytea', nullable: true })
  prevHash!: Buffer | null;

  @Column({ type: 'bytea' })
  hash!: Buffer;
}

/** express-session's store (connect-pg-simple's schema, `expire` with a time zone). */
@Entity('admin_session')
@Index('IDX_admin_session_expire', ['expire'])
export class AdminSessionRecord {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_admin_session' })
  sid!: string;

  @Column({ type: 'jsonb' })
  sess!: Record<string, unknown>;

  @Column({ type: 'timestamptz' })
  expire!: Date;
}
