import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { encodeCursor } from './issuances.cursor';

/** Filters of `GET /api/admin/v1/issuances`, as parsed from the query string. */
export interface IssuanceFilter {
  readonly identity?: string;
  readonly issuer?: string;
  readonly rule?: string;
  readonly policyVersion?: number;
  readonly since?: Date;
  readonly until?: Date;
  /** Keyset cursor: the last row of the previous page (newest first). */
  readonly cursor?: { issuedAt: string; serial: string };
  readonly limit: number;
}

/** One row of the issuance history. */
export interface IssuanceView {
  readonly serial: string;
  readonly identity: string;
  readonly sanType: string;
  readonly issuer: string;
  readonly subject: string;
  readonly rule: { readonly id: string; readonly name: string };
  readonly policyVersion: number | null;
  readonly keyAlgorithm: string;
  readonly keyFingerprint: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly issuedAt: string;
  /** RFC 6962 leaf hash (base64) of its CT entry: `/ct/v1/get-proof-by-hash?hash=…`. */
  readonly ctLeafHash: string | null;
  /** The next page starts after this row. */
  readonly cursor: string;
}

interface Row {
  serial: string;
  identity: string;
  san_type: string;
  issuer: string;
  subject: string;
  rule_id: string;
  rule_name: string;
  policy_version: string | null;
  key_algorithm: string;
  key_fingerprint: string;
  not_before: Date;
  not_after: Date;
  issued_at: Date;
  ct_leaf_hash: Buffer | null;
  /** `issued_at` as Postgres prints it: microseconds kept, for the keyset cursor. */
  at: string;
}

/** Reads the issuance history (the CA role may read `issuance`, never change it). */
@Injectable()
export class IssuanceHistoryRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(filter: IssuanceFilter): Promise<IssuanceView[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT serial, identity, san_type, issuer, subject, rule_id, rule_name, policy_version,
         key_algorithm, key_fingerprint, not_before, not_after, issued_at, ct_leaf_hash,
         issued_at::text AS at
       FROM issuance
       WHERE ($1::text IS NULL OR identity = $1)
         AND ($2::text IS NULL OR issuer = $2)
         AND ($3::text IS NULL OR rule_name = $3)
         AND ($4::bigint IS NULL OR policy_version = $4)
         AND ($5::timestamptz IS NULL OR issued_at >= $5)
         AND ($6::timestamptz IS NULL OR issued_at < $6)
         AND ($7::timestamptz IS NULL OR (issued_at, serial) < ($7, $8::text))
       ORDER BY issued_at DESC, serial DESC
       LIMIT $9`,
      [
        filter.identity ?? null,
        filter.issuer ?? null,
        filter.rule ?? null,
        filter.policyVersion ?? null,
        filter.since ?? null,
        filter.until ?? null,
        filter.cursor?.issuedAt ?? null,
        filter.cursor?.serial ?? null,
        filter.limit,
      ],
    );
    return rows.map((r) => ({
      serial: r.serial,
      identity: r.identity,
      sanType: r.san_type,
      issuer: r.issuer,
      subject: r.subject,
      rule: { id: r.rule_id, name: r.rule_name },
      policyVersion: r.policy_version === null ? null : Number(r.policy_version),
      keyAlgorithm: r.key_algorithm,
      keyFingerprint: r.key_fingerprint,
      notBefore: r.not_before.toISOString(),
      notAfter: r.not_after.toISOString(),
      issuedAt: r.issued_at.toISOString(),
      ctLeafHash: r.ct_leaf_hash === null ? null : r.ct_leaf_hash.toString('base64'),
      cursor: encodeCursor(r.at, r.serial),
    }));
  }
}
