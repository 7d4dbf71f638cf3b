import { Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { auditRowJson, type StoredAdminAuditRow } from '@app/schema';
import type { JsonValue } from '@app/signing';
import type { AdminPrincipal } from '../auth/principal';
import { AdminAuditRepository, type AuditQuery } from './admin-audit.repository';

/** One admin action, as streams record it (issue 17's contract). Never a secret in any field. */
export interface AdminAuditEvent {
  /** `session.login`, `session.login_failed`, `session.logout`, `token.create`, `token.use`,
   *  `token.revoke`, `access.denied`, `policy.change`, `policy.evaluate`, … */
  action: string;
  outcome: 'success' | 'failure';
  principal?: AdminPrincipal;
  target?: string;
  httpStatus?: number;
  reason?: string;
  policyVersionBefore?: bigint;
  policyVersionAfter?: bigint;
  /** Never secrets: tokens are HMAC'd or left out. */
  details?: Record<string, unknown>;
  requestId?: string;
  clientAddress?: string;
  userAgent?: string;
}

/** Anything with a `query` that runs in the caller's transaction (a TypeORM EntityManager). */
type TransactionManager = Parameters<AdminAuditRepository['append']>[1];

/** The request fields every audit row carries: request id, client address, user agent. */
export function auditRequest(
  req: Request,
): Pick<AdminAuditEvent, 'requestId' | 'clientAddress' | 'userAgent'> {
  const id = (req as { id?: unknown }).id;
  return {
    requestId: typeof id === 'string' ? id : undefined,
    clientAddress: req.ip,
    userAgent: req.headers['user-agent']?.slice(0, 512),
  };
}

/** The admin audit trail: append-only, hash-chained (`admin_audit_event`). */
@Injectable()
export class AdminAuditLog {
  private readonly logger = new Logger('AdminAudit');

  constructor(private readonly repository: AdminAuditRepository) {}

  /**
   * Appends `event`. With `manager`, inside the caller's transaction (a policy change and its
   * audit row commit or roll back together); without, in a transaction of its own.
   */
  async record(event: AdminAuditEvent, manager?: TransactionManager): Promise<void> {
    const p = event.principal;
    await this.repository.append(
      {
        at: new Date(),
        requestId: event.requestId ?? null,
        action: event.action,
        outcome: event.outcome,
        actorKind: p?.kind ?? null,
        actorIssuer: p?.issuer ?? null,
        actorSubject: p?.subject ?? null,
        actorDisplay: p?.display ?? null,
        actorRole: p?.role ?? null,
        tokenId: p?.tokenId ?? null,
        target: event.target ?? null,
        httpStatus: event.httpStatus ?? null,
        reason: event.reason ?? null,
        policyVersionBefore: event.policyVersionBefore ?? null,
        policyVersionAfter: event.policyVersionAfter ?? null,
        details: event.details ?? null,
        clientAddress: event.clientAddress ?? null,
        userAgent: event.userAgent ?? null,
      },
      manager,
    );
    this.logger.log(`${event.action} ${event.outcome}${p ? ` by ${p.display}` : ''}`);
  }

  /** Audit rows matching `q`, newest first, as the API returns them. */
  async list(q: AuditQuery): Promise<{ events: JsonValue[]; next: bigint | undefined }> {
    const rows: StoredAdminAuditRow[] = await this.repository.list({ ...q, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return {
      events: page.map((r) => ({
        ...(auditRowJson(r.id, r.prevHash, r) as Record<string, JsonValue>),
        hash: r.hash.toString('hex'),
      })),
      next: rows.length > q.limit ? page[page.length - 1]!.id : undefined,
    };
  }
}
