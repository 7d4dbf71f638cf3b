import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import connectPgSimple from 'connect-pg-simple';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import type { Pool } from 'pg';
import { ConfigError, type SignetConfig } from '@app/platform';
import type { AdminSettings } from './admin.config';
import type { AdminPrincipal } from './principal';

/** What a signed-in session holds (`req.session.admin`). */
export interface AdminSessionState {
  readonly principal: AdminPrincipal;
  /** Sign-in time (ms): the absolute timeout counts from here, whatever the activity. */
  readonly createdAt: number;
  /** The synchronizer token every unsafe request of this session must echo. */
  readonly csrfToken: string;
}

declare module 'express-session' {
  interface SessionData {
    admin?: AdminSessionState;
  }
}

/** The session cookie's name: `__Host-` (Secure, host-only, path /) when the CA is public over https. */
export function sessionCookieName(publicUrl: string): string {
  return publicUrl.startsWith('https:') ? '__Host-signet-admin' : 'signet-admin';
}

/**
 * express-session over `admin_session` (connect-pg-simple on the CA's own pg Pool; the table
 * comes from a migration). HttpOnly, SameSite=Lax (Strict would drop the cookie on the IdP's
 * redirect back, where the PKCE verifier and state live), Secure when CA_PUBLIC_URL is https,
 * rolling: the idle timeout restarts with each response; the absolute one is checked by the guard.
 * Requests with an `Authorization` header never load or create a session.
 */
export function adminSessionMiddleware(
  config: SignetConfig,
  settings: AdminSettings,
  pool: Pool,
): RequestHandler {
  const PgStore = connectPgSimple(session);
  const secure = config.caPublicUrl.startsWith('https:');
  const middleware = session({
    name: sessionCookieName(config.caPublicUrl),
    secret: sessionSecret(config, settings),
    store: new PgStore({ pool, tableName: 'admin_session', createTableIfMissing: false }),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    unset: 'destroy',
    // Behind the TLS proxy the README asks for: trust its X-Forwarded-Proto for Secure cookies.
    proxy: secure,
    cookie: {
      httpOnly: true,
      secure,
      sameSite: 'lax',
      path: '/',
      maxAge: settings.session.idleTimeoutSeconds * 1000,
    },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.headers.authorization !== undefined) return next();
    return middleware(req, res, next);
  };
}

/** ADMIN_SESSION_SECRET; in development a secret kept under SIGNET_DATA_DIR/admin. */
function sessionSecret(config: SignetConfig, settings: AdminSettings): string {
  if (config.admin.sessionSecret !== undefined) return config.admin.sessionSecret;
  // No sign-in, so no session is ever created: any secret will do, and nothing is written.
  if (settings.oidc === undefined) return randomBytes(32).toString('base64url');
  if (!config.developmentKeys.allowed) {
    throw new ConfigError([
      `ADMIN_SESSION_SECRET: required with admin.oidc (${config.developmentKeys.reason}, so no development secret stands in for it)`,
    ]);
  }
  const dir = join(config.dataDir, 'admin');
  const file = join(dir, 'session-secret');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  return readFileSync(file, 'utf8').trim();
}

/** A new synchronizer token (256 bits). */
export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether `presented` equals the session's token, in constant time. */
export function csrfTokenMatches(expected: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `req.session.regenerate` as a promise (a new id: no session fixation across sign-in/out). */
export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => (err ? reject(err as Error) : resolve())),
  );
}

/** `req.session.save` as a promise. */
export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.save((err) => (err ? reject(err as Error) : resolve())),
  );
}

/** `req.session.destroy` as a promise (its row is deleted). */
export function destroySession(req: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.destroy((err) => (err ? reject(err as Error) : resolve())),
  );
}
