import { type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { AdminAuditLog, auditRequest } from '../audit/admin-audit';
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
  constructor(private readonly audit: AdminAuditLog) {
    super({ session: false });
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const callback = req.path.endsWith('/callback');
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
