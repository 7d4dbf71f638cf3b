import { html } from '../html';
import { renderLayout } from '../layout';
import type { IssuersView, PageContext } from '../view-models';

/** The OIDC issuers whose tokens the CA accepts. */
export function renderIssuersPage(ctx: PageContext, view: IssuersView): string {
  const body =
    view.issuers.length === 0
      ? html`<p>No issuers are configured: no token is accepted.</p>`
      : html`<table>
          <caption>
            Issuers (policy version ${view.policyVersion})
          </caption>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Type</th>
              <th scope="col">Audience</th>
              <th scope="col">Settings</th>
            </tr>
          </thead>
          <tbody>
            ${view.issuers.map(
              (i) =>
                html`<tr id="issuer-${i.id}">
                  <th scope="row"><code>${i.url}</code></th>
                  <td>${i.type}</td>
                  <td><code>${i.audience}</code></td>
                  <td>
                    ${
                      i.details.length === 0
                        ? html`<span class="muted">none</span>`
                        : html`<dl class="inline">
                            ${i.details.map(
                              (d) =>
                                html`<dt>${d.label}</dt>
                                  <dd>${d.value}</dd>`,
                            )}
                          </dl>`
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>`;
  return renderLayout(ctx, 'issuers', 'Issuers', body);
}
