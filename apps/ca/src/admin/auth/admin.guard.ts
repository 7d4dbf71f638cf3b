import {
  applyDecorators,
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import { AdminAuditLog, auditRequest } from '../audit/admin-audit';
import { ApiTokensService } from '../tokens/api-tokens.service';
import { ADMIN_SETTINGS, type AdminSettings } from './admin.config';
import { AdminError } from './admin.error';
import { csrfTokenMatches, destroySession } from './admin-session';
import { crossOriginProblem } from './origin-check';
import { type AdminPrincipal, type AdminRole, ROLE_RANK } from './principal';

const REQUIRED_ROLE = 'signet:admin-role';
const PRINCIPAL = Symbol('admin-principal');

/**
 * Guards an admin route (method or controller): authenticates (an `Authorization: Bearer sgn_at_…`
 * token first, and then the session cookie is ignored; else the session), checks CSRF on unsafe
 * methods for sessions (`x-csrf-token` header or `_csrf` form field, plus the Origin /
 * Sec-Fetch-Site check), then the role. 401 unauthenticated (JSON) or 302 to /admin/login (a
 * console page, GET, HTML); 403 wrong role or CSRF. Denials are audited (`access.denied`).
 */
export const RequireRole = (role: AdminRole) =>
  applyDecorators(SetMetadata(REQUIRED_ROLE, role), UseGuards(AdminGuard));

/** The {@link AdminPrincipal} of a request that passed {@link RequireRole}. */
export const AdminUser = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const principal = (
    ctx.switchToHttp().getRequest<Request>() as unknown as Record<symbol, unknown>
  )[PRINCIPAL];
  if (principal === undefined) throw new Error('@AdminUser() needs @RequireRole() on the route');
  return principal as AdminPrincipal;
});

@Injectable()
export class AdminGuard implements CanActivate {
  private readonly trustedOrigins: ReadonlySet<string>;

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokensService,
    private readonly audit: AdminAuditLog,
    @Inject(ADMIN_SETTINGS) private readonly settings: AdminSettings,
    @Inject(SIGNET_CONFIG) config: SignetConfig,
  ) {
    this.trustedOrigins = new Set([new URL(config.caPublicUrl).origin]);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<AdminRole | undefined>(REQUIRED_ROLE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required === undefined) return true;
    const req = context.switchToHttp().getRequest<Request>();
    let principal: AdminPrincipal | undefined;
    try {
      principal = await this.authenticate(req);
      if (principal.kind === 'session') this.checkCsrf(req);
      if (ROLE_RANK[principal.role] < ROLE_RANK[required]) {
        throw new AdminError(
          'FORBIDDEN',
          `this action requires the ${required} role; ${principal.display} is ${principal.role}`,
        );
      }
    } catch (err) {
      // Not audited: callers without any credential (anyone could fill the trail) and calls past
      // the failure limit; refused credentials, roles and CSRF are.
      const anonymous =
        err instanceof AdminError &&
        (err.code === 'LOGIN_REQUIRED' ||
          err.code === 'RATE_LIMITED' ||
          (err.code === 'UNAUTHENTICATED' && req.headers.authorization === undefined));
      if (err instanceof AdminError && !anonymous) {
        await this.audit.record({
          action: 'access.denied',
          outcome: 'failure',
          principal,
          target: `${req.method} ${req.path}`,
          reason: err.message,
          httpStatus:
            err.code === 'UNAUTHENTICATED' || err.code === 'RATE_LIMITED' ? undefined : 403,
          ...auditRequest(req),
        });
      }
      throw err;
    }
    (req as unknown as Record<symbol, unknown>)[PRINCIPAL] = principal;
    return true;
  }

  private async authenticate(req: Request): Promise<AdminPrincipal> {
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const bearer = /^Bearer (\S+)$/i.exec(authorization)?.[1];
      if (bearer === undefined) {
        throw new AdminError('UNAUTHENTICATED', 'Authorization must be "Bearer sgn_at_…"');
      }
      return this.tokens.authenticate(bearer, req);
    }
    const state = req.session?.admin;
    if (state === undefined) {
      const consolePage =
        req.method === 'GET' &&
        req.path.startsWith('/admin') &&
        (req.headers.accept ?? '').includes('text/html');
      if (consolePage) {
        throw new AdminError('LOGIN_REQUIRED', 'sign in first', { Location: '/admin/login' });
      }
      throw new AdminError('UNAUTHENTICATED', 'not signed in (no admin session or API token)');
    }
    if (Date.now() - state.createdAt > this.settings.session.absoluteTimeoutSeconds * 1000) {
      await destroySession(req);
      throw new AdminError('UNAUTHENTICATED', 'the admin session has expired; sign in again');
    }
    return state.principal;
  }

  /** CSRF for a session: the Origin / Sec-Fetch-Site check, then the synchronizer token. */
  private checkCsrf(req: Request): void {
    const origin = crossOriginProblem(
      {
        method: req.method,
        host: req.headers.host,
        origin: req.headers.origin,
        secFetchSite: header(req, 'sec-fetch-site'),
      },
      this.trustedOrigins,
    );
    if (origin !== undefined) throw new AdminError('CSRF', origin);
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
      const form = (req.body ?? {}) as { _csrf?: unknown };
      const presented = header(req, 'x-csrf-token') ?? form._csrf;
      if (presented === undefined) {
        throw new AdminError('CSRF', 'missing CSRF token (x-csrf-token header or _csrf field)');
      }
      if (!csrfTokenMatches(req.session.admin!.csrfToken, presented)) {
        throw new AdminError('CSRF', 'CSRF token does not match this session');
      }
    }
  }
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
