import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { StoredRule } from './evaluate';
import type { ClaimCondition, KeyAlgorithm, RuleSpec } from './rules.config';

/** What {@link RulesRepository.syncRules} changed, by rule name. */
export interface RuleSync {
  readonly added: string[];
  /** Changed in any way, reordering and reactivation included; ids are kept. */
  readonly updated: string[];
  readonly unchanged: string[];
  readonly deactivated: string[];
}

interface RuleRow {
  id: string;
  name: string;
  position: number;
  issuer: string;
  subject: string;
  claims: Record<string, ClaimCondition>;
  certificate_lifetime_seconds: number | null;
  allowed_key_algorithms: KeyAlgorithm[] | null;
}

/** Arbitrary but fixed advisory-lock key: CA replicas booting together sync one at a time. */
const SYNC_LOCK = 5_170_221_902;

/** All SQL of `iam_rule`. */
@Injectable()
export class RulesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Makes the active rules exactly `specs`, in their order, in one transaction: upserts by name
   * (a rule keeps its id; an unchanged row is not written at all) and deactivates every active
   * rule whose name is absent. Nothing is deleted. Requires unique names (as parseRules ensures).
   */
  syncRules(specs: readonly RuleSpec[]): Promise<RuleSync> {
    return this.dataSource.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [SYNC_LOCK]);
      return this.syncRulesIn(m, specs);
    });
  }

  /** {@link syncRules} in the caller's transaction, which holds the lock. */
  async syncRulesIn(m: EntityManager, specs: readonly RuleSpec[]): Promise<RuleSync> {
    const rows = await m.query<Array<{ name: string }>>('SELECT name FROM iam_rule');
    const known = new Set(rows.map((r) => r.name));
    const result: RuleSync = { added: [], updated: [], unchanged: [], deactivated: [] };
    for (const [position, spec] of specs.entries()) {
      const written = await m.query<unknown[]>(
        `INSERT INTO iam_rule AS r (id, name, position, issuer, subject, claims,
             certificate_lifetime_seconds, allowed_key_algorithms, active)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::text[], true)
           ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, issuer = EXCLUDED.issuer,
             subject = EXCLUDED.subject, claims = EXCLUDED.claims,
             certificate_lifetime_seconds = EXCLUDED.certificate_lifetime_seconds,
             allowed_key_algorithms = EXCLUDED.allowed_key_algorithms, active = true,
             updated_at = now()
           WHERE (r.position, r.issuer, r.subject, r.claims, r.certificate_lifetime_seconds,
                  r.allowed_key_algorithms, r.active)
             IS DISTINCT FROM (EXCLUDED.position, EXCLUDED.issuer, EXCLUDED.subject, EXCLUDED.claims,
                  EXCLUDED.certificate_lifetime_seconds, EXCLUDED.allowed_key_algorithms, true)
           RETURNING id`,
        [
          randomUUID(),
          spec.name,
          position,
          spec.issuer,
          spec.subject,
          JSON.stringify(spec.claims),
          spec.certificateLifetimeSeconds,
          spec.allowedKeyAlgorithms,
        ],
      );
      const outcome =
        written.length === 0
          ? result.unchanged
          : known.has(spec.name)
            ? result.updated
            : result.added;
      outcome.push(spec.name);
    }
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [deactivated] = await m.query<[Array<{ name: string }>, number]>(
      `UPDATE iam_rule SET active = false, updated_at = now()
         WHERE active AND NOT (name = ANY($1::text[])) RETURNING name`,
      [specs.map((s) => s.name)],
    );
    result.deactivated.push(...deactivated.map((r) => r.name));
    return result;
  }

  /**
   * The ids of the rules named `names` (a rule keeps its id for ever: rows are upserted by name
   * and never deleted), so that issuance records name the rule that allowed them.
   */
  async ruleIds(
    names: readonly string[],
    m: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, string>> {
    const rows = await m.query<Array<{ id: string; name: string }>>(
      'SELECT id, name FROM iam_rule WHERE name = ANY($1::text[])',
      [names],
    );
    return new Map(rows.map((r) => [r.name, r.id]));
  }

  /** The active rules, in configured order (as stored: for history and tests, never for decisions). */
  async activeRules(): Promise<StoredRule[]> {
    const rows = await this.dataSource.query<RuleRow[]>(
      `SELECT id, name, position, issuer, subject, claims, certificate_lifetime_seconds,
         allowed_key_algorithms
       FROM iam_rule WHERE active ORDER BY position, name`,
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      position: r.position,
      issuer: r.issuer,
      subject: r.subject,
      claims: r.claims,
      certificateLifetimeSeconds: r.certificate_lifetime_seconds,
      allowedKeyAlgorithms: r.allowed_key_algorithms,
    }));
  }
}
