import { CONSOLE_PATHS } from '../console-paths';
import { html, safeHref, type SafeHtml } from '../html';
import { renderLayout } from '../layout';
import type { IssuanceFilters, IssuanceRow, IssuancesView, PageContext } from '../view-models';
import { dataTable, filterForm, paginationNav } from './listing';

const FIELDS: ReadonlyArray<readonly [keyof IssuanceFilters, string]> = [
  ['identity', 'Identity'],
  ['issuer', 'Issuer'],
  ['rule', 'Rule'],
  ['policyVersion', 'Policy version'],
  ['since', 'Issued since'],
  ['until', 'Issued until'],
];

function row(r: IssuanceRow): SafeHtml {
  const ct =
    r.ctEntry === null
      ? html`<span class="muted">not logged</span>`
      : html`<a href="${safeHref(r.ctEntry.url)}">entry ${r.ctEntry.index}</a>`;
  return html`<tr>
    <td><code>${r.serial}</code></td>
    <th scope="row">${r.identity}</th>
    <td>${r.issuer}</td>
    <td>${r.rule}</td>
    <td>${r.policyVersion ?? html`<span class="muted">none</span>`}</td>
    <td>${r.keyAlgorithm}</td>
    <td><time>${r.issuedAt}</time></td>
    <td><time>${r.notAfter}</time></td>
    <td>${ct}</td>
  </tr>`;
}

/** Certificates issued, newest first, filtered; each row links to its CT log entry. */
export function renderIssuancesPage(ctx: PageContext, view: IssuancesView): string {
  const path = CONSOLE_PATHS.issuances;
  return renderLayout(
    ctx,
    'issuances',
    'Issuances',
    html`${filterForm({ path, label: 'Filter issuances', fields: FIELDS, ...view })}
    ${dataTable({
      caption: 'Issued certificates, newest first',
      columns: [
        'Serial',
        'Identity',
        'Issuer',
        'Rule',
        'Policy version',
        'Key',
        'Issued',
        'Expires',
        'CT log',
      ],
      rows: view.rows.map(row),
      empty: 'No certificates match.',
    })}
    ${paginationNav(path, { ...view.values }, view.pagination, 'Issuance')}`,
  );
}
