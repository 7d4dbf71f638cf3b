import { html, type SafeHtml } from '../html';
import { renderLayout } from '../layout';
import type { IssuerRow, IssuersView, PageContext } from '../view-models';
import { dataTable } from './listing';

function row(i: IssuerRow): SafeHtml {
  const details =
    i.details.length === 0
      ? html`<span class="muted">none</span>`
      : html`<dl class="inline">
          ${i.details.map(
            (d) =>
              html`<dt>${d.label}</dt>
                <dd>${d.value}</dd>`,
          )}
        </dl>`;
  return html`<tr id="issuer-${i.id}">
    <th scope="row"><code>${i.url}</code></th>
    <td>${i.type}</td>
    <td><code>${i.audience}</code></td>
    <td>${details}</td>
  </tr>`;
}

/** The OIDC issuers whose tokens the CA accepts. */
export function renderIssuersPage(ctx: PageContext, view: IssuersView): string {
  return renderLayout(
    ctx,
    'issuers',
    'Issuers',
    dataTable({
      caption: `Issuers (policy version ${view.policyVersion})`,
      columns: ['URL', 'Type', 'Audience', 'Settings'],
      rows: view.issuers.map(row),
      empty: 'No issuers are configured: no token is accepted.',
    }),
  );
}
