import { html, safeHref } from '../html';
import { renderFlash, renderPublicLayout } from '../layout';
import type { SignInView } from '../view-models';

/** Where a visitor who is not signed in lands: the notice (signed out, no role, IdP down) and the button. */
export function renderSignInPage(view: SignInView): string {
  const action =
    view.loginUrl !== undefined
      ? html`<p>
          <a class="button" href="${safeHref(view.loginUrl)}">Sign in with ${view.providerName}</a>
        </p>`
      : html`<p>
          Sign-in is not configured on this CA (no <code>admin.oidc</code> in its configuration).
          API tokens still work.
        </p>`;
  return renderPublicLayout('Sign in', html`${renderFlash(view.notice)}${action}`);
}
