import { CONSOLE_PATHS } from '../console-paths';
import { csrfField, errorSummary, selectField, textAreaField, textField } from '../fields';
import { html, type SafeHtml } from '../html';
import { renderLayout } from '../layout';
import type { DryRunResultView, DryRunView, PageContext, TraceRowView } from '../view-models';
import { dataTable } from './listing';

const FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['input', 'Token or claims'],
  ['issuer', 'Issuer'],
  ['keyAlgorithm', 'Key algorithm'],
];

/** "Paste a token or claims: who may sign, and why not?" — the form and, after a POST, the answer. */
export function renderDryRunPage(ctx: PageContext, view: DryRunView): string {
  const v = view.values;
  const body = html`<p class="lead">Paste a token or claims: who may sign, and why not?</p>
    ${errorSummary(view.errors, view.formError, FIELDS)}
    <form class="dry-run" method="post" action="${CONSOLE_PATHS.dryRun}" novalidate>
      ${csrfField(ctx.csrfToken)}
      ${textAreaField({ name: 'input', label: 'Token or claims', value: v.input, errors: view.errors, rows: 8, required: true, hint: 'An OIDC ID token (header.payload.signature), verified as a signing request would be, or a JSON object of claims to simulate. Nothing is issued or stored.' })}
      <p class="hint" id="input-kind" aria-live="polite"></p>
      ${textField({ name: 'issuer', label: 'Issuer', value: v.issuer, errors: view.errors, list: 'issuer-choices', hint: 'Required with claims; a token names its own issuer.' })}
      <datalist id="issuer-choices">
        ${view.issuerChoices.map((i) => html`<option value="${i}"></option>`)}
      </datalist>
      ${selectField({ name: 'keyAlgorithm', label: 'Key algorithm', value: v.keyAlgorithm, errors: view.errors, choices: view.keyAlgorithmChoices.map((a) => ({ value: a, label: a })) })}
      <button type="submit">Evaluate</button>
    </form>
    ${view.result !== undefined ? renderResult(view.result) : ''}`;
  return renderLayout(ctx, 'dry-run', 'Dry run', body);
}

function renderResult(r: DryRunResultView): SafeHtml {
  const allowed = r.decision === 'allowed';
  const headline = allowed
    ? html`<span class="decision decision-allowed">✓ Allowed</span
        >${r.rule !== undefined ? html` by rule <strong>${r.rule.name}</strong> (#${r.rule.position})` : ''}`
    : html`<span class="decision decision-denied">✗ Denied</span
        >${r.reason !== undefined ? html`: <code>${r.reason}</code>` : ''}`;
  const certificate =
    r.identity !== undefined
      ? html`<dl class="certificate">
          <dt>Certificate identity</dt>
          <dd><code>${r.identity}</code></dd>
          ${
            allowed && r.lifetime !== undefined
              ? html`<dt>Lifetime</dt>
                  <dd>${r.lifetime}</dd>`
              : ''
          }
          <dt>Policy version</dt>
          <dd>${r.policyVersion}</dd>
        </dl>`
      : html`<p>Policy version ${r.policyVersion}</p>`;
  const missing =
    r.missingClaims.length > 0
      ? html`<p>
          Claims the rules need that the input lacks:
          ${r.missingClaims.map((c, i) => html`${i > 0 ? ', ' : ''}<code>${c}</code>`)}
        </p>`
      : '';
  return html`<section class="result" id="result" aria-labelledby="result-heading" tabindex="-1">
    <h2 id="result-heading">Result</h2>
    <p class="decision-line">${headline}</p>
    <p>${r.message}</p>
    ${certificate} ${missing} ${traceTable(r.trace)}
  </section>`;
}

function traceTable(trace: readonly TraceRowView[]): SafeHtml {
  return dataTable({
    caption: 'Each rule, in evaluation order',
    columns: ['#', 'Rule', 'Outcome', 'Why'],
    rows: trace.map(
      (row) =>
        html`<tr class="outcome-${row.outcome}">
          <td>${row.position}</td>
          <th scope="row">${row.rule}</th>
          ${outcomeCells(row)}
        </tr>`,
    ),
    empty: 'No rules are configured.',
    className: 'trace',
  });
}

/** The outcome as words (never colour alone) and the matcher that failed. */
function outcomeCells(row: TraceRowView): SafeHtml {
  switch (row.outcome) {
    case 'allowed':
      return html`<td>✓ matched</td>
        <td>every condition matched; this rule decides</td>`;
    case 'issuer':
    case 'subject':
      return html`<td>✗ ${row.outcome} did not match</td>
        <td><code>${row.value}</code> does not match <code>${row.pattern}</code></td>`;
    case 'claim':
      return row.problem === 'missing'
        ? html`<td>✗ claim missing</td>
            <td>no claim <code>${row.claim}</code> (needs <code>${row.condition}</code>)</td>`
        : html`<td>✗ claim did not match</td>
            <td>
              <code>${row.claim}</code> = <code>${row.value ?? ''}</code> does not match
              <code>${row.condition}</code>
            </td>`;
    case 'key-algorithm':
      return html`<td>✗ key algorithm not allowed</td>
        <td><code>${row.value}</code> is not among ${row.allowed.join(', ')}</td>`;
    case 'not-reached':
      return html`<td>– not reached</td>
        <td>an earlier rule decided</td>`;
  }
}
