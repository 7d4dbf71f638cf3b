import type { Request, Response } from 'express';
import { saveSession } from '../auth/admin-session';
import type { AdminPrincipal } from '../auth/principal';
import type { Flash, PageContext } from './view-models';

declare module 'express-session' {
  interface SessionData {
    /** The outcome of the last console POST, shown once by the page it redirects to. */
    consoleFlash?: Flash;
  }
}

/**
 * The header, CSRF token and flash of a signed-in page. The flash is taken (shown once); an API
 * token has no session, so no CSRF token (it needs none) and no flash.
 */
export function pageContext(principal: AdminPrincipal, req: Request): PageContext {
  const session = req.session as Request['session'] | undefined;
  const flash = session?.consoleFlash;
  if (flash !== undefined) delete session!.consoleFlash;
  return {
    user: { display: principal.display, role: principal.role },
    csrfToken: session?.admin?.csrfToken ?? '',
    ...(flash === undefined ? {} : { flash }),
  };
}

/**
 * Post/Redirect/Get: 303 to `path` (a GET, so reloading the next page repeats nothing), with
 * `flash` shown there once.
 */
export async function redirectWithFlash(
  req: Request,
  res: Response,
  path: string,
  flash: Flash,
): Promise<void> {
  const session = req.session as Request['session'] | undefined;
  if (session !== undefined) {
    session.consoleFlash = flash;
    // Saved before the redirect is sent: express-session would save while the headers (and so
    // the Location) are already on their way, and the browser's GET could load the session first.
    await saveSession(req);
  }
  res.redirect(303, path);
}

/** Sends a rendered page with `status` (a form with errors answers 4xx, as the API would). */
export function sendPage(res: Response, page: string, status = 200): void {
  res.status(status).type('text/html; charset=utf-8').send(page);
}
