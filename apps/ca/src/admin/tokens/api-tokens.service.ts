import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { apiTokenProblem, apiTokenSha256, newApiToken, parseAdminDuration } from '@app/schema';
import { RateLimitRepository } from '../../issuance/rate-limit.repository';
import { RateLimiter } from '../../issuance/rate-limiter';
import { ADMIN_SETTINGS, type AdminSettings } from '../auth/admin.config';
import { AdminError } from '../auth/admin.error';
import { type AdminPrincipal, isAdminRole, ROLE_RANK } from '../auth/principal';
import { AdminAuditLog, auditRequest } from '../audit/admin-audit';
import { type ApiTokenMetadata, ApiTokensRepository } from './api-tokens.repository';

export type { ApiTokenMetadata };

/** Failed bearer authentications one client address may make per minute (429 beyond). */
export const BEARER_FAILURES_PER_MINUTE = 20;

const NAME = /^[\p{L}\p{N} ._:/@-]{1,100}$/u;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A token just created: the only time its secret is shown. */
export interface CreatedApiToken {
  id: string;
  name: string;
  role: string;
  expiresAt: string;
  token: string;
}

/** Admin API tokens: created by owners (never above their own role), used as Bearer, revoked. */
@Injectable()
export class ApiTokensService {
  private readonly failures: RateLimiter;

  constructor(
    private readonly tokens: ApiTokensRepository,
    private readonly audit: AdminAuditLog,
    @Inject(ADMIN_SETTINGS) private readonly settings: AdminSettings,
    rateLimits: RateLimitRepository,
  ) {
    this.failures = new RateLimiter(rateLimits, BEARER_FAILURES_PER_MINUTE);
  }

  /** `POST /api/admin/v1/tokens`: validates `body`, stores the hash, returns the secret once. */
  async create(principal: AdminPrincipal, body: unknown, req: Request): Promise<CreatedApiToken> {
    const { name, role, expiresIn } = (body ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new AdminError(
        'INVALID_REQUEST',
        'name must be 1 to 100 letters, digits, spaces or ._:/@-',
      );
    }
    if (!isAdminRole(role)) {
      throw new AdminError('INVALID_REQUEST', 'role must be viewer, editor or owner');
    }
    if (ROLE_RANK[role] > ROLE_RANK[principal.role]) {
      throw new AdminError(
        'FORBIDDEN',
        `role ${role} is above your own (${principal.role}): a token never has more than its creator`,
      );
    }
    const max = this.settings.tokens.maxLifetimeSeconds;
    const seconds = typeof expiresIn === 'string' ? parseAdminDuration(expiresIn) : undefined;
    if (seconds === undefined || seconds === 0) {
      throw new AdminError(
        'INVALID_REQUEST',
        'expiresIn is required: a duration such as 1h or 30d',
      );
    }
    if (seconds > max) {
      throw new AdminError(
        'INVALID_REQUEST',
        `expiresIn ${expiresIn as string} exceeds admin.tokens.maxLifetime (${max} s)`,
      );
    }
    const minted = newApiToken();
    const id = randomUUID();
    const expiresAt = new Date(Date.now() + seconds * 1000);
    await this.tokens.transaction(async (m) => {
      await this.tokens.insert(m, {
        id,
        name,
        role,
        sha256: minted.sha256,
        last4: minted.last4,
        createdBy: {
          issuer: principal.issuer,
          subject: principal.subject,
          display: principal.display,
        },
        expiresAt,
      });
      await this.audit.record(
        {
          action: 'token.create',
          outcome: 'success',
          principal,
          target: id,
          httpStatus: 201,
          details: { name, role, expiresAt: expiresAt.toISOString() },
          ...auditRequest(req),
        },
        m,
      );
    });
    return { id, name, role, expiresAt: expiresAt.toISOString(), token: minted.token };
  }

  list(): Promise<ApiTokenMetadata[]> {
    return this.tokens.list();
  }

  /** `DELETE /api/admin/v1/tokens/{id}`. */
  async revoke(principal: AdminPrincipal, id: string, req: Request): Promise<void> {
    if (!UUID.test(id)) throw new AdminError('INVALID_REQUEST', 'id must be a token id (uuid)');
    const revoked = await this.tokens.transaction(async (m) => {
      if (!(await this.tokens.revoke(m, id, principal))) return false;
      await this.audit.record(
        {
          action: 'token.revoke',
          outcome: 'success',
          principal,
          target: id,
          httpStatus: 204,
          ...auditRequest(req),
        },
        m,
      );
      return true;
    });
    if (revoked) return;
    const token = await this.tokens.findById(id);
    if (token === undefined) throw new AdminError('NOT_FOUND', `no API token with id ${id}`);
    throw new AdminError('CONFLICT', `API token ${id} is already revoked`);
  }

  /**
   * The principal of a `Bearer` token: its own role and id, its creator's identity. A failure is
   * UNAUTHENTICATED naming the check (never echoing the token), and counts towards the client
   * address's limit of failures: past it, RATE_LIMITED with Retry-After.
   */
  async authenticate(token: string, req: Request): Promise<AdminPrincipal> {
    const found = await this.check(token);
    if (typeof found === 'string') {
      const wait = await this.failures.take(`admin-bearer-failure ${req.ip ?? 'unknown'}`);
      if (wait > 0) {
        throw new AdminError('RATE_LIMITED', 'too many failed API token attempts', {
          'Retry-After': String(wait),
        });
      }
      throw new AdminError('UNAUTHENTICATED', `API token refused: ${found}`);
    }
    const principal: AdminPrincipal = {
      kind: 'token',
      issuer: found.createdBy.issuer,
      subject: found.createdBy.subject,
      display: `${found.name} (token of ${found.createdBy.display})`,
      role: found.role as AdminPrincipal['role'],
      tokenId: found.id,
    };
    if (await this.tokens.touch(found.id, req.ip ?? null)) {
      await this.audit.record({
        action: 'token.use',
        outcome: 'success',
        principal,
        target: found.id,
        details: { method: req.method, path: req.path },
        ...auditRequest(req),
      });
    }
    return principal;
  }

  /** The token's row when it may be used, else why not. */
  private async check(token: string): Promise<ApiTokenMetadata | string> {
    const malformed = apiTokenProblem(token);
    if (malformed !== undefined) return malformed;
    const row = await this.tokens.findBySha256(apiTokenSha256(token));
    if (row === undefined) return 'unknown token';
    if (row.revokedAt !== null) return 'revoked';
    if (row.expiresAt.getTime() <= Date.now()) return 'expired';
    if (!isAdminRole(row.role)) return 'unknown role';
    return row;
  }
}
