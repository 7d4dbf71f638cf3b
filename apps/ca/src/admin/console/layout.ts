import { CONSOLE_PATHS, NAV } from './console-paths';
import { csrfField } from './fields';
import { html, type SafeHtml } from './html';
import type { ConsoleSection, Flash, PageContext } from './view-models';

/** The document around every page: no inline script or style, so the console's CSP holds. */
function documentShell(title: string, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Signet admin</title>
        <link rel="icon" href="${CONSOLE_PATHS.assets}/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="${CONSOLE_PATHS.assets}/console.css" />
        <script src="${CONSOLE_PATHS.assets}/console.js" defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to main content</a>
        ${body}
      </body>
    </html> `;
}

/** A flash message: errors are announced (role="alert"), successes politely (role="status"). */
export function renderFlash(flash: Flash | undefined): SafeHtml {
  if (flash === undefined) return html``;
  return flash.kind === 'error'
    ? html`<p class="flash flash-error" role="alert"><strong>Error:</strong> ${flash.message}</p>`
    : html`<p class="flash flash-success" role="status">
        <strong>Done:</strong> ${flash.message}
      </p>`;
}

/**
 * A signed-in page: header (user, role, sign-out form), nav with the current section marked
 * (`aria-current`, not colour alone), the flash, then `main`.
 */
export function renderLayout(
  ctx: PageContext,
  section: ConsoleSection,
  title: string,
  main: SafeHtml,
): string {
  const nav = NAV.map(
    (item) =>
      html`<li>
        <a href="${item.href}" ${item.section === section ? html` aria-current="page"` : ''}
          >${item.label}</a
        >
      </li>`,
  );
  return documentShell(
    title,
    html`<header class="site-header">
        <p class="brand"><a href="${CONSOLE_PATHS.home}">Signet admin</a></p>
        <form class="sign-out" method="post" action="${CONSOLE_PATHS.logout}">
          ${csrfField(ctx.csrfToken)}
          <span class="user"
            >Signed in as <strong>${ctx.user.display}</strong> (${ctx.user.role})</span
          >
          <button type="submit">Sign out</button>
        </form>
      </header>
      <nav aria-label="Console sections">
        <ul>
          ${nav}
        </ul>
      </nav>
      <main id="main" tabindex="-1">
        <h1>${title}</h1>
        ${renderFlash(ctx.flash)} ${main}
      </main>`,
  ).text;
}

/** A page for a visitor who is not signed in (sign-in, errors): no nav, no user. */
export function renderPublicLayout(title: string, main: SafeHtml): string {
  return documentShell(
    title,
    html`<header class="site-header"><p class="brand">Signet admin</p></header>
      <main id="main" tabindex="-1">
        <h1>${title}</h1>
        ${main}
      </main>`,
  ).text;
}
