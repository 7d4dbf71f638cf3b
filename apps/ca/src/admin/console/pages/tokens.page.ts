import { CONSOLE_PATHS, tokenRevokePath } from '../console-paths';
import { csrfField, errorSummary, selectField, textField } from '../fields';
import { html, type SafeHtml } from '../html';
import { renderLayout } from '../layout';
import type { ApiTokenRow, ApiTokensView, PageContext } from '../view-models';
import { dataTable } from './listing';

const FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['name', 'Name'],
  ['role', 'Role'],
  ['expiresIn', 'Expires in'],
];

function row(ctx: PageContext, t: ApiTokenRow): SafeHtml {
  const status =
    t.revokedAt !== null
      ? html`revoked <time>${t.revokedAt}</time>`
      : html`<form method="post" action="${tokenRevokePath(t.id)}">
          ${csrfField(ctx.csrfToken)}
          <button type="submit" class="danger">
            Revoke<span class="visually-hidden"> token ${t.name}</span>
          </button>
        </form>`;
  return html`<tr>
    <th scope="row">${t.name}</th>
    <td>${t.role}</td>
    <td><code>…${t.last4}</code></td>
    <td>${t.createdBy}</td>
    <td><time>${t.createdAt}</time></td>
    <td><time>${t.expiresAt}</time></td>
    <td>
      ${t.lastUsedAt !== null ? html`<time>${t.lastUsedAt}</time>` : html`<span class="muted">never</span>`}
    </td>
    <td>${status}</td>
  </tr>`;
}

/** API tokens for automation: a new token's secret is shown once; revocation takes effect at once. */
export function renderApiTokensPage(ctx: PageContext, view: ApiTokensView): string {
  const created =
    view.created !== undefined
      ? html`<section class="token-created" role="status" aria-labelledby="created-heading">
          <h2 id="created-heading">Token ${view.created.name} created</h2>
          <p>
            <strong>Copy it now: it is shown only this once.</strong> Only its SHA-256 is stored.
          </p>
          <label for="created-secret">Secret of token ${view.created.name}</label>
          <input
            id="created-secret"
            class="secret"
            type="text"
            readonly
            value="${view.created.secret}"
            data-copy
          />
        </section>`
      : '';
  const f = view.form;
  const form = html`<h2>Create a token</h2>
    ${errorSummary(f.errors, f.formError, FIELDS)}
    <form method="post" action="${CONSOLE_PATHS.tokens}" novalidate>
      ${csrfField(ctx.csrfToken)}
      ${textField({ name: 'name', label: 'Name', value: f.values.name, errors: f.errors, required: true, hint: 'What uses it, e.g. "release pipeline".' })}
      ${selectField({ name: 'role', label: 'Role', value: f.values.role, errors: f.errors, choices: view.roleChoices.map((r) => ({ value: r, label: r })), hint: 'No higher than your own.' })}
      ${textField({ name: 'expiresIn', label: 'Expires in', value: f.values.expiresIn, errors: f.errors, required: true, hint: 'A duration such as 30d.' })}
      <button type="submit">Create token</button>
    </form>`;
  const table = dataTable({
    caption: 'API tokens',
    columns: ['Name', 'Role', 'Ends in', 'Created by', 'Created', 'Expires', 'Last used', 'Status'],
    rows: view.tokens.map((t) => row(ctx, t)),
    empty: 'No API tokens.',
  });
  return renderLayout(ctx, 'tokens', 'API tokens', html`${created}${table}${form}`);
}
