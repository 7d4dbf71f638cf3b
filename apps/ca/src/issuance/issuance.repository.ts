import type { DataSource } from 'typeorm';
import type { IssuanceRecord } from './issuance.entities';

/** An issuance as the CA records it; Postgres sets `issuedAt`. */
export type NewIssuance = Omit<IssuanceRecord, 'issuedAt'>;

// One parameterised statement: the entity's columns (issuance.entities.ts), no RETURNING.
const INSERT_ISSUANCE = `INSERT INTO issuance (serial, identity, san_type, issuer, subject, rule_id,
  rule_name, key_fingerprint, key_algorithm, not_before, not_after, client_address)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`;

/**
 * Records one issued certificate in the append-only `issuance` table. A plain parameterised
 * INSERT rather than the TypeORM entity insert, whose query building and RETURNING of the
 * generated `issued_at` cost more than the row itself on the issuance path. Rejects with the
 * database error (e.g. a repeated serial, which the primary key refuses).
 */
export async function insertIssuance(dataSource: DataSource, record: NewIssuance): Promise<void> {
  await dataSource.query(INSERT_ISSUANCE, [
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
  ]);
}

/**
 * The DER public keys of the CT trees the log runs now (`log_tree`, purpose `ct`, not frozen):
 * the keys the trusted root publishes for SCTs being issued today.
 */
export async function currentCtLogKeys(dataSource: DataSource): Promise<Buffer[]> {
  const rows = await dataSource.query<{ public_key: Buffer }[]>(
    "SELECT public_key FROM log_tree WHERE purpose = 'ct' AND frozen_at IS NULL",
  );
  return rows.map((row) => row.public_key);
}
