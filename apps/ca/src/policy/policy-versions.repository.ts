import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { PolicyActor } from '@app/signing';
import type { PolicyLogEntry } from './policy-log';

/** A stored policy version, as read back. */
export interface PolicyVersionRow {
  readonly version: number;
  readonly digest: string;
  readonly previousDigest: string | null;
  readonly snapshot: Buffer;
  readonly signature: Buffer;
  readonly actor: PolicyActor;
  readonly reason: string;
  readonly createdAt: Date;
  readonly log: PolicyLogEntry | null;
}

/** What {@link PolicyVersionsRepository.insert} writes. */
export interface NewPolicyVersion {
  readonly version: number;
  readonly digest: string;
  readonly previousDigest: string | null;
  readonly snapshot: Uint8Array;
  readonly signature: Uint8Array;
  readonly actor: PolicyActor;
  readonly reason: string;
  readonly createdAt: Date;
  readonly log: PolicyLogEntry | undefined;
}

interface Row {
  version: string;
  digest: Buffer;
  previous_digest: Buffer | null;
  snapshot: Buffer;
  signature: Buffer;
  actor_kind: PolicyActor['kind'];
  actor_issuer: string | null;
  actor_subject: string | null;
  actor_display: string | null;
  token_id: string | null;
  reason: string;
  created_at: Date;
  log_uuid: string | null;
  log_index: string | null;
  log_integrated_time: string | null;
}

const COLUMNS = `v.version, v.digest, v.previous_digest, v.snapshot, v.signature, v.actor_kind,
  v.actor_issuer, v.actor_subject, v.actor_display, v.token_id, v.reason, v.created_at, v.log_uuid,
  v.log_index, v.log_integrated_time`;

/** Serialises policy changes and boot-time syncs across CA processes (transaction-scoped). */
export const POLICY_LOCK = 5_170_221_902;

/** All SQL of `policy_version` and `policy_head`. */
@Injectable()
export class PolicyVersionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction holding the policy lock. */
  locked<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [POLICY_LOCK]);
      return work(m);
    });
  }

  /** The head version number, cheaply (what every CA process polls). */
  async headVersion(m: EntityManager = this.dataSource.manager): Promise<number | undefined> {
    const rows = await m.query<Array<{ version: string }>>(
      'SELECT version FROM policy_head WHERE id = 1',
    );
    return rows[0] === undefined ? undefined : Number(rows[0].version);
  }

  /** The head version, in full. */
  async head(m: EntityManager = this.dataSource.manager): Promise<PolicyVersionRow | undefined> {
    const rows = await m.query<Row[]>(
      `SELECT ${COLUMNS} FROM policy_head h JOIN policy_version v ON v.version = h.version WHERE h.id = 1`,
    );
    return rows[0] === undefined ? undefined : toRow(rows[0]);
  }

  async get(version: number): Promise<PolicyVersionRow | undefined> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT ${COLUMNS} FROM policy_version v WHERE v.version = $1`,
      [version],
    );
    return rows[0] === undefined ? undefined : toRow(rows[0]);
  }

  /** Versions newest first, `before` (exclusive) for the next page. */
  async list(limit: number, before?: number): Promise<PolicyVersionRow[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT ${COLUMNS} FROM policy_version v WHERE ($1::bigint IS NULL OR v.version < $1)
       ORDER BY v.version DESC LIMIT $2`,
      [before ?? null, limit],
    );
    return rows.map(toRow);
  }

  /** Inserts `version` and makes it the head, in the caller's transaction. */
  async insert(m: EntityManager, version: NewPolicyVersion): Promise<void> {
    await m.query(
      `INSERT INTO policy_version (version, digest, previous_digest, snapshot, signature,
         actor_kind, actor_issuer, actor_subject, actor_display, token_id, reason, created_at,
         log_uuid, log_index, log_integrated_time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        version.version,
        Buffer.from(version.digest, 'hex'),
        version.previousDigest === null ? null : Buffer.from(version.previousDigest, 'hex'),
        Buffer.from(version.snapshot),
        Buffer.from(version.signature),
        version.actor.kind,
        version.actor.issuer ?? null,
        version.actor.subject ?? null,
        version.actor.display ?? null,
        version.actor.tokenId ?? null,
        version.reason,
        version.createdAt,
        version.log?.uuid ?? null,
        version.log?.logIndex.toString() ?? null,
        version.log?.integratedTime.toString() ?? null,
      ],
    );
    await m.query(
      version.version === 1
        ? 'INSERT INTO policy_head (id, version) VALUES (1, 1)'
        : 'UPDATE policy_head SET version = $1, updated_at = now() WHERE id = 1',
      version.version === 1 ? [] : [version.version],
    );
  }
}

function toRow(r: Row): PolicyVersionRow {
  return {
    version: Number(r.version),
    digest: r.digest.toString('hex'),
    previousDigest: r.previous_digest === null ? null : r.previous_digest.toString('hex'),
    snapshot: r.snapshot,
    signature: r.signature,
    actor: {
      kind: r.actor_kind,
      ...(r.actor_issuer === null ? {} : { issuer: r.actor_issuer }),
      ...(r.actor_subject === null ? {} : { subject: r.actor_subject }),
      ...(r.actor_display === null ? {} : { display: r.actor_display }),
      ...(r.token_id === null ? {} : { tokenId: r.token_id }),
    },
    reason: r.reason,
    createdAt: r.created_at,
    log:
      r.log_uuid === null || r.log_index === null || r.log_integrated_time === null
        ? null
        : {
            uuid: r.log_uuid,
            logIndex: BigInt(r.log_index),
            integratedTime: BigInt(r.log_integrated_time),
          },
  };
}
