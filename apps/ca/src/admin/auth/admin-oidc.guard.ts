import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { RateLimitRepository } from '../../issuance/rate-limit.repository';
import { RateLimiter } from '../../issuance/rate-limiter';
import { AdminAuditLog, auditRequest } from '../audit/admin-audit';
import { ADMIN_SETTINGS, type AdminSettings } from './admin.config';
import { AdminError } from './admin.error';
import { ADMIN_OIDC, type SignedInIdentity } from './admin-oidc.strategy';

/**
 * Runs the admin-oidc strategy on `/admin/login` (redirect to the IdP) and on the callback, and
 * turns its outcomes into precise errors: a state that does not match (403), a code, token or ID
 * token the checks refuse (401), an identity no role binding covers (403), an IdP that cannot be
 * discovered (503). Every failed sign-in on the callback is audited.
 */
@Injectable()
export class AdminOidcGuard extends AuthGuard(ADMIN_OIDC) {
  /** Sign-in starts and callbacks per client address and minute (admin.session.signInsPerMinute). */
  private readonly attempts: RateLimiter;

  constructor(
    private readonly audit: AdminAuditLog,
    rateLimits: RateLimitRepository,
    @Inject(ADMIN_SETTINGS) settings: AdminSettings,
  ) {
    super({ session: false });
    this.attempts = new RateLimiter(rateLimits, settings.session.signInsPerMinute);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const callback = req.path.endsWith('/callback');
    // Before anything reaches the IdP: a flood of sign-in starts or forged callbacks stops here.
    const wait = await this.attempts.take(`admin-sign-in ${req.ip ?? 'unknown'}`);
    if (wait > 0) {
      throw new AdminError('RATE_LIMITED', 'too many sign-in attempts from this address', {
        'Retry-After': String(wait),
      });
    }
    try {
      await super.canActivate(context);
      const identity = req.user as SignedInIdentity;
      if (identity.principal === undefined) {
        throw Object.assign(
          new AdminError(
            'NO_ROLE',
            `${identity.display} signed in, but no admin.roleBindings entry gives them a role`,
          ),
          { identity },
        );
      }
      return true;
    } catch (err) {
      const refusal = signInError(err);
      if (callback) {
        const identity = (err as { identity?: SignedInIdentity }).identity;
        await this.audit.record({
          action: 'session.login_failed',
          outcome: 'failure',
          reason: refusal.message,
          httpStatus:
            refusal.code === 'IDP_UNAVAILABLE'
              ? 503
              : refusal.code === 'SIGN_IN_FAILED'
                ? 401
                : 403,
          details:
            identity === undefined
              ? undefined
              : { issuer: identity.issuer, subject: identity.subject, display: identity.display },
          ...auditRequest(req),
        });
      }
      throw refusal;
    }
  }

  override handleRequest<T>(
    err: unknown,
    user: T | false,
    info: { message?: unknown } | undefined,
  ): T {
    if (err !== null && err !== undefined) throw err as Error;
    if (user === false || user === undefined || user === null) {
      const message = typeof info?.message === 'string' ? info.message : 'sign-in failed';
      throw /authorization request state/i.test(message)
        ? new AdminError(
            'SIGN_IN_STATE',
            `sign-in refused: the state does not match a sign-in started in this browser (${message})`,
          )
        : new AdminError('SIGN_IN_FAILED', `sign-in refused: ${message}`);
    }
    return user;
  }
}

/** The AdminError for whatever the strategy or the checks threw. */
function signInError(err: unknown): AdminError {
  if (err instanceof AdminError) return err;
  const { name, code, message } = (err ?? {}) as { name?: string; code?: string; message?: string };
  if (name === 'TokenError') {
    return new AdminError(
      'SIGN_IN_FAILED',
      `the IdP refused the authorization code (${code ?? 'error'})`,
    );
  }
  if (name === 'AuthorizationError') {
    return new AdminError(
      'SIGN_IN_FAILED',
      `the IdP refused the sign-in (${code ?? 'error'}: ${message ?? ''})`,
    );
  }
  return new AdminError(
    'SIGN_IN_FAILED',
    `sign-in failed: ${message ?? 'unknown error'}`,
    undefined,
    {
      cause: err,
    },
  );
}
