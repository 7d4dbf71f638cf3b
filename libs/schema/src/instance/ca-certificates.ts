import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * `ca_certificate`: every CA certificate the instance's CA has used (current and retired
 * chains). The CA records them at start; the log trusts them for write authorization and CT.
 * Rows are never deleted, so a fingerprint a CT entry stores stays resolvable. This file is the
 * table's whole contract: the key is the lowercase hex SHA-256 of the DER.
 */
export interface RecordedCaCertificate {
  der: Uint8Array;
  isRoot: boolean;
  notBefore: Date;
  notAfter: Date;
}

const SQL = {
  record: `INSERT INTO ca_certificate (fingerprint, der, is_root, not_before, not_after) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (fingerprint) DO NOTHING`,
  all: 'SELECT der FROM ca_certificate ORDER BY created_at, fingerprint',
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

/** The DER of every recorded CA certificate, in recording order (the log's read). */
export async function readCaCertificates(dataSource: DataSource): Promise<Buffer[]> {
  const rows = await dataSource.query<Array<{ der: Buffer }>>(SQL.all);
  return rows.map((r) => r.der);
}
