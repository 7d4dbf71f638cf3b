import { CONSOLE_PATHS } from '../console-paths';
import { errorSummary, textField } from '../fields';
import { html, type SafeHtml } from '../html';
import { renderLayout } from '../layout';
import type { AuditFilters, AuditRow, AuditView, PageContext } from '../view-models';
import { paginationNav } from './pagination';

const FIELDS: ReadonlyArray<readonly [keyof AuditFilters, string]> = [
  ['actor', 'Actor'],
  ['action', 'Action'],
  ['since', 'Since'],
];

function row(r: AuditRow): SafeHtml {
  return html`<tr>
    <td><time>${r.at}</time></td>
    <td>${r.actor}</td>
    <th scope="row"><code>${r.action}</code></th>
    <td>
      ${r.outcome === 'success' ? '✓ success' : '✗ failure'}${r.httpStatus !== undefined ? html` (${r.httpStatus})` : ''}
    </td>
    <td>${r.target ?? ''}</td>
    <td>${r.reason ?? ''}</td>
    <td>${r.policyVersions ?? ''}</td>
    <td>${r.requestId !== undefined ? html`<code>${r.requestId}</code>` : ''}</td>
  </tr>`;
}

/** Administrative actions (sign-ins, token use, policy changes, denials), newest first. */
export function renderAuditPage(ctx: PageContext, view: AuditView): string {
  const f = view.values;
  const filters = html`${errorSummary(view.errors, view.formError, FIELDS)}
    <form
      class="filters"
      method="get"
      action="${CONSOLE_PATHS.audit}"
      role="search"
      aria-label="Filter the audit trail"
    >
      ${FIELDS.map(([name, label]) => textField({ name, label, value: f[name], errors: view.errors, type: 'search' }))}
      <button type="submit">Filter</button>
      <a href="${CONSOLE_PATHS.audit}">Clear</a>
    </form>`;
  const table =
    view.rows.length === 0
      ? html`<p>No events match.</p>`
      : html`<table>
          <caption>
            Audit trail, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Outcome</th>
              <th scope="col">Target</th>
              <th scope="col">Reason</th>
              <th scope="col">Policy</th>
              <th scope="col">Request</th>
            </tr>
          </thead>
          <tbody>
            ${view.rows.map(row)}
          </tbody>
        </table>`;
  return renderLayout(
    ctx,
    'audit',
    'Audit trail',
    html`${filters}${table}${paginationNav(CONSOLE_PATHS.audit, { ...f }, view.pagination, 'Audit')}`,
  );
}
