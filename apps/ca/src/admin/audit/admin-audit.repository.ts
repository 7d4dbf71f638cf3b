import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ADMIN_AUDIT_COLUMNS,
  type AdminAuditDbRow,
  type AdminAuditRow,
  appendAdminAuditEvent,
  auditRowFromDb,
  type StoredAdminAuditRow,
} from '@app/schema';

/** Filters of the audit list; `before` is the keyset cursor (rows with a smaller id). */
export interface AuditQuery {
  actor?: string;
  action?: string;
  since?: Date;
  until?: Date;
  before?: bigint;
  limit: number;
}

/** `admin_audit_event`: appends to the hash chain, lists newest first. */
@Injectable()
export class AdminAuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends inside `manager`'s transaction, or a transaction of its own. */
  async append(row: AdminAuditRow, manager?: EntityManager): Promise<void> {
    if (manager !== undefined) await appendAdminAuditEvent(manager, row);
    else await this.dataSource.transaction((m) => appendAdminAuditEvent(m, row));
  }

  /** Up to `limit` rows matching `q`, newest first. */
  async list(q: AuditQuery): Promise<StoredAdminAuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    if (q.actor !== undefined) {
      add('(actor_subject = ? OR actor_display = ? OR token_id::text = ?)', q.actor);
    }
    if (q.action !== undefined) add('action = ?', q.action);
    if (q.since !== undefined) add('at >= ?', q.since);
    if (q.until !== undefined) add('at < ?', q.until);
    if (q.before !== undefined) add('id < ?', q.before.toString());
    params.push(q.limit);
    const rows = await this.dataSource.query<AdminAuditDbRow[]>(
      `SELECT ${ADMIN_AUDIT_COLUMNS} FROM admin_audit_event
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(auditRowFromDb);
  }
}
