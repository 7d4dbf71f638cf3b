import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import { AdminAuditLog, auditRequest } from '../audit/admin-audit';
import { ADMIN_SETTINGS, type AdminSettings } from './admin.config';
import type { SignedInIdentity } from './admin-oidc.strategy';
import {
  destroySession,
  newCsrfToken,
  regenerateSession,
  saveSession,
  sessionCookieName,
} from './admin-session';
import type { AdminPrincipal } from './principal';

/** `GET /api/admin/v1/me`. */
export interface MeAnswer {
  kind: 'session' | 'token';
  issuer: string;
  subject: string;
  display: string;
  role: string;
  /** The session's CSRF token (absent for API tokens, which need none). */
  csrfToken?: string;
  /** When the session ends if idle from now on, or at its absolute limit, whichever is first. */
  expiresAt?: string;
}

/** Admin sessions: created at sign-in (a new id), ended at sign-out. */
@Injectable()
export class AdminSessions {
  constructor(
    private readonly audit: AdminAuditLog,
    @Inject(ADMIN_SETTINGS) private readonly settings: AdminSettings,
    @Inject(SIGNET_CONFIG) private readonly config: SignetConfig,
  ) {}

  /** After the strategy accepted the callback: regenerate (no fixation), store, audit. */
  async signIn(req: Request): Promise<void> {
    const { principal } = req.user as SignedInIdentity;
    await regenerateSession(req);
    req.session.admin = { principal: principal!, createdAt: Date.now(), csrfToken: newCsrfToken() };
    await saveSession(req);
    await this.audit.record({
      action: 'session.login',
      outcome: 'success',
      principal,
      httpStatus: 302,
      ...auditRequest(req),
    });
  }

  async signOut(principal: AdminPrincipal, req: Request, res: Response): Promise<void> {
    if (principal.kind === 'session') {
      await destroySession(req);
      res.clearCookie(sessionCookieName(this.config.caPublicUrl), { path: '/' });
    }
    await this.audit.record({
      action: 'session.logout',
      outcome: 'success',
      principal,
      httpStatus: 204,
      ...auditRequest(req),
    });
  }

  me(principal: AdminPrincipal, req: Request): MeAnswer {
    const answer: MeAnswer = {
      kind: principal.kind,
      issuer: principal.issuer,
      subject: principal.subject,
      display: principal.display,
      role: principal.role,
    };
    const state = principal.kind === 'session' ? req.session?.admin : undefined;
    if (state === undefined) return answer;
    const { idleTimeoutSeconds, absoluteTimeoutSeconds } = this.settings.session;
    const end = Math.min(
      Date.now() + idleTimeoutSeconds * 1000,
      state.createdAt + absoluteTimeoutSeconds * 1000,
    );
    return { ...answer, csrfToken: state.csrfToken, expiresAt: new Date(end).toISOString() };
  }
}
