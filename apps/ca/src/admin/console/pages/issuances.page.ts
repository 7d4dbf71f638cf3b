import { CONSOLE_PATHS } from '../console-paths';
import { errorSummary, textField } from '../fields';
import { html, safeHref, type SafeHtml } from '../html';
import { renderLayout } from '../layout';
import type { IssuanceFilters, IssuanceRow, IssuancesView, PageContext } from '../view-models';
import { paginationNav } from './pagination';

const FIELDS: ReadonlyArray<readonly [keyof IssuanceFilters, string]> = [
  ['identity', 'Identity'],
  ['issuer', 'Issuer'],
  ['rule', 'Rule'],
  ['policyVersion', 'Policy version'],
  ['since', 'Issued since'],
  ['until', 'Issued until'],
];

function row(r: IssuanceRow): SafeHtml {
  return html`<tr>
    <td><code>${r.serial}</code></td>
    <th scope="row">${r.identity}</th>
    <td>${r.issuer}</td>
    <td>${r.rule}</td>
    <td>${r.policyVersion ?? html`<span class="muted">none</span>`}</td>
    <td>${r.keyAlgorithm}</td>
    <td><time>${r.issuedAt}</time></td>
    <td><time>${r.notAfter}</time></td>
    <td>
      ${r.ctEntry === null ? html`<span class="muted">not logged</span>` : html`<a href="${safeHref(r.ctEntry.url)}">entry ${r.ctEntry.index}</a>`}
    </td>
  </tr>`;
}

/** Certificates issued, newest first, filtered; each row links to its CT log entry. */
export function renderIssuancesPage(ctx: PageContext, view: IssuancesView): string {
  const f = view.values;
  // A search (GET): bookmarkable and changes nothing, so it carries no CSRF token.
  const filters = html`${errorSummary(view.errors, view.formError, FIELDS)}
    <form
      class="filters"
      method="get"
      action="${CONSOLE_PATHS.issuances}"
      role="search"
      aria-label="Filter issuances"
    >
      ${FIELDS.map(([name, label]) => textField({ name, label, value: f[name], errors: view.errors, type: 'search' }))}
      <button type="submit">Filter</button>
      <a href="${CONSOLE_PATHS.issuances}">Clear</a>
    </form>`;
  const table =
    view.rows.length === 0
      ? html`<p>No certificates match.</p>`
      : html`<table>
          <caption>
            Issued certificates, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Serial</th>
              <th scope="col">Identity</th>
              <th scope="col">Issuer</th>
              <th scope="col">Rule</th>
              <th scope="col">Policy version</th>
              <th scope="col">Key</th>
              <th scope="col">Issued</th>
              <th scope="col">Expires</th>
              <th scope="col">CT log</th>
            </tr>
          </thead>
          <tbody>
            ${view.rows.map(row)}
          </tbody>
        </table>`;
  return renderLayout(
    ctx,
    'issuances',
    'Issuances',
    html`${filters}${table}${paginationNav(CONSOLE_PATHS.issuances, { ...f }, view.pagination, 'Issuance')}`,
  );
}
