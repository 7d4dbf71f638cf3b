import { CONSOLE_PATHS } from '../console-paths';
import { html, safeHref, type SafeHtml } from '../html';
import { renderLayout } from '../layout';
import type { PageContext, PolicyVersionRow, PolicyVersionsView } from '../view-models';
import { dataTable, paginationNav } from './listing';

function row(v: PolicyVersionRow): SafeHtml {
  const log =
    v.logEntry === null
      ? html`<span class="muted">not logged</span>`
      : html`<a href="${safeHref(v.logEntry.url)}">index ${v.logEntry.index}</a><br /><code
            class="uuid"
            >${v.logEntry.uuid}</code
          >`;
  return html`<tr${v.current ? html` aria-current="true"` : ''}>
    <th scope="row">${v.version}${v.current ? html` <span class="badge">current</span>` : ''}</th>
    <td><code class="digest">${v.digest}</code></td>
    <td>${v.actor} <span class="muted">(${v.actorKind})</span></td>
    <td>${v.reason}</td>
    <td><time>${v.createdAt}</time></td>
    <td>${log}</td>
  </tr>`;
}

/** Every policy version, newest first, with the transparency-log entry that made it public. */
export function renderPolicyVersionsPage(ctx: PageContext, view: PolicyVersionsView): string {
  return renderLayout(
    ctx,
    'policy-versions',
    'Policy versions',
    html`${dataTable({
      caption: 'Policy versions, newest first; each is logged before it takes effect',
      columns: ['Version', 'Digest (SHA-256)', 'Actor', 'Reason', 'Time', 'Log entry'],
      rows: view.versions.map(row),
      empty: 'No policy versions yet.',
    })}
    ${paginationNav(CONSOLE_PATHS.policyVersions, {}, view.pagination, 'Policy version')}`,
  );
}
