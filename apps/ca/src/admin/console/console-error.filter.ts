import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { CaError } from '../../errors';
import { caErrorStatus } from '../../http/ca-error.filter';
import { PolicyError } from '../../policy';
import { AdminError } from '../auth/admin.error';
import { sendPage } from './console-page';
import { CONSOLE_PATHS } from './console-paths';
import { html } from './html';
import { renderPublicLayout } from './layout';

/**
 * The console's refusals as pages, not JSON: a wrong role, a failed CSRF check, a rule that does
 * not exist, a rate limit. Same status, headers and message as the JSON API answers with; a page
 * asked for without a session still redirects to the sign-in. Other errors (bugs) go on to the
 * CA's filter, which logs them.
 */
@Catch(AdminError, PolicyError, CaError)
export class ConsoleErrorFilter implements ExceptionFilter {
  catch(err: AdminError | PolicyError | CaError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const status = caErrorStatus(err) ?? 500;
    const headers =
      err instanceof AdminError
        ? err.headers
        : err instanceof CaError && err.retryAfterSeconds !== undefined
          ? { 'Retry-After': String(err.retryAfterSeconds) }
          : undefined;
    for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
    if (status === 302) {
      res.status(302).end();
      return;
    }
    const title = status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : 'Refused';
    const page = renderPublicLayout(
      title,
      html`<p role="alert">${err.message}</p>
        <p>(HTTP ${String(status)})</p>
        <p><a href="${CONSOLE_PATHS.home}">Back to the console</a></p>`,
    );
    sendPage(res, page, status);
  }
}
