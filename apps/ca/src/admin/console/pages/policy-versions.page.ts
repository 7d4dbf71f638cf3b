import { CONSOLE_PATHS } from '../console-paths';
import { html, safeHref, type SafeHtml } from '../html';
import { renderLayout } from '../layout';
import type { PageContext, PolicyVersionRow, PolicyVersionsView } from '../view-models';
import { paginationNav } from './pagination';

function row(v: PolicyVersionRow): SafeHtml {
  return html`<tr${v.current ? html` aria-current="true"` : ''}>
<th scope="row">${v.version}${v.current ? html` <span class="badge">current</span>` : ''}</th>
<td><code class="digest">${v.digest}</code></td>
<td>${v.actor} <span class="muted">(${v.actorKind})</span></td>
<td>${v.reason}</td>
<td><time>${v.createdAt}</time></td>
<td>${v.logEntry === null ? html`<span class="muted">not logged</span>` : html`<a href="${safeHref(v.logEntry.url)}">index ${v.logEntry.index}</a><br /><code class="uuid">${v.logEntry.uuid}</code>`}</td>
</tr>`;
}

/** Every policy version, newest first, with the transparency-log entry that made it public. */
export function renderPolicyVersionsPage(ctx: PageContext, view: PolicyVersionsView): string {
  const table =
    view.versions.length === 0
      ? html`<p>No policy versions yet.</p>`
      : html`<table>
          <caption>
            Policy versions, newest first; each is logged before it takes effect
          </caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Digest (SHA-256)</th>
              <th scope="col">Actor</th>
              <th scope="col">Reason</th>
              <th scope="col">Time</th>
              <th scope="col">Log entry</th>
            </tr>
          </thead>
          <tbody>
            ${view.versions.map(row)}
          </tbody>
        </table>`;
  return renderLayout(
    ctx,
    'policy-versions',
    'Policy versions',
    html`${table}${paginationNav(CONSOLE_PATHS.policyVersions, {}, view.pagination, 'Policy version')}`,
  );
}
