import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { insertApiToken, type NewApiTokenRow } from '@app/schema';

/** A token as listed: metadata only, never the hash. */
export interface ApiTokenMetadata {
  id: string;
  name: string;
  role: string;
  last4: string;
  createdBy: { issuer: string; subject: string; display: string };
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  revokedAt: Date | null;
}

interface TokenRow {
  id: string;
  name: string;
  role: string;
  last4: string;
  created_by_issuer: string;
  created_by_subject: string;
  created_by_display: string;
  created_at: Date;
  expires_at: Date;
  last_used_at: Date | null;
  last_used_ip: string | null;
  revoked_at: Date | null;
}

const COLUMNS = `id, name, role, last4, created_by_issuer, created_by_subject, created_by_display,
  created_at, expires_at, last_used_at, last_used_ip, revoked_at`;

/** Minimum time between two recorded uses of one token (bounds the writes a busy token causes). */
export const USE_RECORD_INTERVAL_SECONDS = 60;

const toMetadata = (r: TokenRow): ApiTokenMetadata => ({
  id: r.id,
  name: r.name,
  role: r.role,
  last4: r.last4,
  createdBy: {
    issuer: r.created_by_issuer,
    subject: r.created_by_subject,
    display: r.created_by_display,
  },
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  lastUsedIp: r.last_used_ip,
  revokedAt: r.revoked_at,
});

/** `admin_api_token`. */
@Injectable()
export class ApiTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction (a token and its audit row commit together). */
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  insert(manager: EntityManager, row: NewApiTokenRow): Promise<void> {
    return insertApiToken(manager, row);
  }

  async list(): Promise<ApiTokenMetadata[]> {
    const rows = await this.dataSource.query<TokenRow[]>(
      `SELECT ${COLUMNS} FROM admin_api_token ORDER BY created_at DESC, id`,
    );
    return rows.map(toMetadata);
  }

  async findBySha256(sha256: Buffer): Promise<ApiTokenMetadata | undefined> {
    const rows = await this.dataSource.query<TokenRow[]>(
      `SELECT ${COLUMNS} FROM admin_api_token WHERE token_sha256 = $1`,
      [sha256],
    );
    return rows[0] === undefined ? undefined : toMetadata(rows[0]);
  }

  async findById(id: string): Promise<ApiTokenMetadata | undefined> {
    const rows = await this.dataSource.query<TokenRow[]>(
      `SELECT ${COLUMNS} FROM admin_api_token WHERE id = $1`,
      [id],
    );
    return rows[0] === undefined ? undefined : toMetadata(rows[0]);
  }

  /** Revokes `id` unless it already is; true when this call revoked it. */
  async revoke(
    manager: EntityManager,
    id: string,
    by: { issuer: string; subject: string },
  ): Promise<boolean> {
    const result = await manager.query<unknown>(
      `UPDATE admin_api_token SET revoked_at = now(), revoked_by_issuer = $2, revoked_by_subject = $3
        WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
      [id, by.issuer, by.subject],
    );
    return updatedRows(result) > 0;
  }

  /**
   * Records a use from `ip`, at most once per {@link USE_RECORD_INTERVAL_SECONDS} per token;
   * true when this call recorded it (then the caller writes the `token.use` audit row).
   */
  async touch(id: string, ip: string | null): Promise<boolean> {
    const result = await this.dataSource.query<unknown>(
      `UPDATE admin_api_token SET last_used_at = now(), last_used_ip = $2
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $3))
        RETURNING id`,
      [id, ip, USE_RECORD_INTERVAL_SECONDS],
    );
    return updatedRows(result) > 0;
  }
}

/** TypeORM answers an UPDATE on Postgres with `[rows, rowCount]`. */
function updatedRows(result: unknown): number {
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}
