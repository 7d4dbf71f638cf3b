import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * `ca_certificate`: every CA certificate the instance's CA has used (current and retired
 * chains). The CA records them at start; the log trusts them for write authorization and CT,
 * except those an administrator listed in `ca_certificate_distrust`.
 * Rows are never deleted, so a fingerprint a CT entry stores stays resolvable. This file is the
 * table's whole contract: the key is the lowercase hex SHA-256 of the DER.
 */
export interface RecordedCaCertificate {
  der: Uint8Array;
  isRoot: boolean;
  notBefore: Date;
  notAfter: Date;
}

/** A recorded CA certificate as the log reads it. */
export interface InstanceCaCertificate {
  der: Buffer;
  /** Listed in `ca_certificate_distrust`: chains through it are refused. */
  distrusted: boolean;
}

/** A recorded CA certificate as an administrator lists it. */
export interface ListedCaCertificate {
  fingerprint: string;
  der: Buffer;
  isRoot: boolean;
  notAfter: Date;
  distrust: { reason: string; at: Date } | undefined;
}

const SQL = {
  record: `INSERT INTO ca_certificate (fingerprint, der, is_root, not_before, not_after) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (fingerprint) DO NOTHING`,
  all: `SELECT c.der, d.fingerprint IS NOT NULL AS distrusted
    FROM ca_certificate c LEFT JOIN ca_certificate_distrust d USING (fingerprint)
    ORDER BY c.created_at, c.fingerprint`,
  list: `SELECT c.fingerprint, c.der, c.is_root, c.not_after, d.reason, d.distrusted_at
    FROM ca_certificate c LEFT JOIN ca_certificate_distrust d USING (fingerprint)
    ORDER BY c.created_at, c.fingerprint`,
  distrust: `INSERT INTO ca_certificate_distrust (fingerprint, reason)
    SELECT fingerprint, $2 FROM ca_certificate WHERE fingerprint = $1
    ON CONFLICT (fingerprint) DO NOTHING RETURNING fingerprint`,
  known: 'SELECT 1 FROM ca_certificate WHERE fingerprint = $1',
} as const;

/** The key of `ca_certificate`: lowercase hex SHA-256 of the certificate's DER. */
export function caCertificateFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** Records a CA certificate (the CA's write); an already recorded one is left as it is. */
export async function recordCaCertificate(
  dataSource: DataSource,
  certificate: RecordedCaCertificate,
): Promise<void> {
  await dataSource.query(SQL.record, [
    caCertificateFingerprint(certificate.der),
    Buffer.from(certificate.der),
    certificate.isRoot,
    certificate.notBefore,
    certificate.notAfter,
  ]);
}

/** Every recorded CA certificate, in recording order, and whether it is distrusted (the log's read). */
export async function readCaCertificates(dataSource: DataSource): Promise<InstanceCaCertificate[]> {
  return dataSource.query<InstanceCaCertificate[]>(SQL.all);
}

/** Every recorded CA certificate with its distrust, for `signet ca list`. */
export async function listCaCertificates(dataSource: DataSource): Promise<ListedCaCertificate[]> {
  const rows = await dataSource.query<
    Array<{
      fingerprint: string;
      der: Buffer;
      is_root: boolean;
      not_after: Date;
      reason: string | null;
      distrusted_at: Date | null;
    }>
  >(SQL.list);
  return rows.map((r) => ({
    fingerprint: r.fingerprint,
    der: r.der,
    isRoot: r.is_root,
    notAfter: r.not_after,
    distrust:
      r.reason === null || r.distrusted_at === null
        ? undefined
        : { reason: r.reason, at: r.distrusted_at },
  }));
}

/**
 * Distrusts the recorded CA certificate `fingerprint` (an administrator's write: `signet ca
 * distrust` as the schema's owner, or the admin API's owner role through the CA): `unknown` when no such certificate was recorded, `already` when it is distrusted.
 */
export async function distrustCaCertificate(
  dataSource: Pick<DataSource, 'query'>,
  fingerprint: string,
  reason: string,
): Promise<'distrusted' | 'already' | 'unknown'> {
  const inserted = await dataSource.query<unknown[]>(SQL.distrust, [fingerprint, reason]);
  if (inserted.length > 0) return 'distrusted';
  const known = await dataSource.query<unknown[]>(SQL.known, [fingerprint]);
  return known.length > 0 ? 'already' : 'unknown';
}
