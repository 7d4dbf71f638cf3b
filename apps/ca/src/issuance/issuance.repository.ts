import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { IssuanceRecord } from '@app/schema';

/** An issuance as the CA records it; Postgres sets `issuedAt`. */
export type NewIssuance = Omit<IssuanceRecord, 'issuedAt' | 'policyVersionRecord'>;

// One parameterised statement: the entity's columns (issuance.entities.ts), no RETURNING.
const INSERT_ISSUANCE = `INSERT INTO issuance (serial, identity, san_type, issuer, subject, rule_id,
  rule_name, key_fingerprint, key_algorithm, not_before, not_after, client_address, policy_version,
  ct_leaf_hash)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;

/**
 * Records one issued certificate in the append-only `issuance` table. A plain parameterised
 * INSERT rather than the TypeORM entity insert, whose query building and RETURNING of the
 * generated `issued_at` cost more than the row itself on the issuance path. Rejects with the
 * database error (e.g. a repeated serial, which the primary key refuses).
 */
@Injectable()
export class IssuanceRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(record: NewIssuance): Promise<void> {
    await this.dataSource.query(INSERT_ISSUANCE, [
      record.serial,
      record.identity,
      record.sanType,
      record.issuer,
      record.subject,
      record.ruleId,
      record.ruleName,
      record.keyFingerprint,
      record.keyAlgorithm,
      record.notBefore,
      record.notAfter,
      record.clientAddress,
      record.policyVersion?.toString() ?? null,
      record.ctLeafHash,
    ]);
  }
}
