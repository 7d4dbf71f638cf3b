import { CONSOLE_PATHS } from '../console-paths';
import { html, type SafeHtml } from '../html';
import { renderLayout } from '../layout';
import type { AuditFilters, AuditRow, AuditView, PageContext } from '../view-models';
import { dataTable, filterForm, paginationNav } from './listing';

const FIELDS: ReadonlyArray<readonly [keyof AuditFilters, string]> = [
  ['actor', 'Actor'],
  ['action', 'Action'],
  ['since', 'Since'],
];

function row(r: AuditRow): SafeHtml {
  const status = r.httpStatus !== undefined ? html` (${r.httpStatus})` : '';
  return html`<tr>
    <td><time>${r.at}</time></td>
    <td>${r.actor}</td>
    <th scope="row"><code>${r.action}</code></th>
    <td>${r.outcome === 'success' ? '✓ success' : '✗ failure'}${status}</td>
    <td>${r.target ?? ''}</td>
    <td>${r.reason ?? ''}</td>
    <td>${r.policyVersions ?? ''}</td>
    <td>${r.requestId !== undefined ? html`<code>${r.requestId}</code>` : ''}</td>
  </tr>`;
}

/** Administrative actions (sign-ins, token use, policy changes, denials), newest first. */
export function renderAuditPage(ctx: PageContext, view: AuditView): string {
  const path = CONSOLE_PATHS.audit;
  return renderLayout(
    ctx,
    'audit',
    'Audit trail',
    html`${filterForm({ path, label: 'Filter the audit trail', fields: FIELDS, ...view })}
    ${dataTable({
      caption: 'Audit trail, newest first',
      columns: ['Time', 'Actor', 'Action', 'Outcome', 'Target', 'Reason', 'Policy', 'Request'],
      rows: view.rows.map(row),
      empty: 'No events match.',
    })}
    ${paginationNav(path, { ...view.values }, view.pagination, 'Audit')}`,
  );
}
