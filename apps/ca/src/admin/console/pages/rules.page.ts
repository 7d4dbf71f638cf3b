import { CONSOLE_PATHS, rulePath } from '../console-paths';
import { checkboxesField, csrfField, errorSummary, textAreaField, textField } from '../fields';
import { html, type SafeHtml } from '../html';
import { renderLayout } from '../layout';
import type { PageContext, RuleFormView, RuleRow, RulesListView } from '../view-models';
import { dataTable } from './listing';

function ruleRow(rule: RuleRow, canEdit: boolean): SafeHtml {
  const claims =
    rule.claims.length === 0
      ? html`<span class="muted">none</span>`
      : html`<ul class="plain">
          ${rule.claims.map((c) => html`<li><code>${c.name}</code>: <code>${c.condition}</code></li>`)}
        </ul>`;
  return html`<tr>
    <td>${rule.position}</td>
    <th scope="row">
      ${canEdit ? html`<a href="${rulePath(rule.name)}">${rule.name}</a>` : rule.name}
    </th>
    <td><code>${rule.issuer}</code></td>
    <td><code>${rule.subject}</code></td>
    <td>${claims}</td>
    <td>${rule.lifetime ?? html`<span class="muted">default</span>`}</td>
    <td>
      ${rule.keyAlgorithms === null ? html`<span class="muted">any</span>` : rule.keyAlgorithms.join(', ')}
    </td>
  </tr>`;
}

/** The active rules in evaluation order; the first rule that matches decides. */
export function renderRulesPage(ctx: PageContext, view: RulesListView): string {
  const actions = view.canEdit
    ? html`<p><a class="button" href="${CONSOLE_PATHS.newRule}">New rule</a></p>`
    : view.readOnlyReason !== undefined
      ? html`<p class="notice">Read-only: ${view.readOnlyReason}</p>`
      : html``;
  const table = dataTable({
    caption: `Rules in evaluation order (policy version ${view.policyVersion}); the first that matches decides`,
    columns: ['#', 'Name', 'Issuer', 'Subject', 'Claims', 'Lifetime', 'Key algorithms'],
    rows: view.rules.map((r) => ruleRow(r, view.canEdit)),
    empty: 'No rules: every certificate request is denied.',
  });
  return renderLayout(ctx, 'rules', 'Rules', html`${actions}${table}`);
}

const RULE_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['name', 'Name'],
  ['issuer', 'Issuer'],
  ['subject', 'Subject'],
  ['claims', 'Claims'],
  ['certificateLifetime', 'Certificate lifetime'],
  ['allowedKeyAlgorithms', 'Allowed key algorithms'],
  ['reason', 'Reason for this change'],
];

/** Create or edit one rule, with each validation message next to its field. */
export function renderRuleFormPage(ctx: PageContext, view: RuleFormView): string {
  const v = view.values;
  const title = view.mode === 'create' ? 'New rule' : `Edit rule ${v.name}`;
  const form = html`${errorSummary(view.errors, view.formError, RULE_FIELDS)}
    <form class="rule-form" method="post" action="${view.action}" novalidate>
      ${csrfField(ctx.csrfToken)}
      <input type="hidden" name="policyVersion" value="${view.policyVersion}" />
      ${textField({ name: 'name', label: 'Name', value: v.name, errors: view.errors, required: true, hint: 'Letters, digits, dot, dash and underscore; unique.' })}
      ${textField({ name: 'issuer', label: 'Issuer', value: v.issuer, errors: view.errors, required: true, hint: 'Pattern over the token issuer URL: exact, glob (* is one label) or /regex/.' })}
      ${textField({ name: 'subject', label: 'Subject', value: v.subject, errors: view.errors, required: true, hint: 'Pattern over the certificate identity (e-mail, URI or SPIFFE ID).' })}
      ${textAreaField({ name: 'claims', label: 'Claims', value: v.claims, errors: view.errors, rows: 5, hint: 'One "claim: condition" per line; every condition must match. Quote strings that look like numbers.' })}
      ${textField({ name: 'certificateLifetime', label: 'Certificate lifetime', value: v.certificateLifetime, errors: view.errors, hint: 'A duration such as 10m; empty for the instance default.' })}
      ${checkboxesField({ name: 'allowedKeyAlgorithms', label: 'Allowed key algorithms', values: v.allowedKeyAlgorithms, choices: view.keyAlgorithmChoices, errors: view.errors, hint: 'None checked: any algorithm the CA accepts.' })}
      ${textField({ name: 'reason', label: 'Reason for this change', value: v.reason, errors: view.errors, required: true, hint: 'Recorded in the policy version and the transparency log.' })}
      <button type="submit">${view.mode === 'create' ? 'Create rule' : 'Save rule'}</button>
      <a href="${CONSOLE_PATHS.rules}">Cancel</a>
    </form>
    ${view.deleteAction !== undefined ? deleteForm(ctx, view) : ''}`;
  return renderLayout(ctx, 'rules', title, form);
}

function deleteForm(ctx: PageContext, view: RuleFormView): SafeHtml {
  return html`<form class="danger-zone" method="post" action="${view.deleteAction ?? ''}">
    <h2>Delete this rule</h2>
    ${csrfField(ctx.csrfToken)}
    <input type="hidden" name="policyVersion" value="${view.policyVersion}" />
    ${textField({ name: 'deleteReason', label: 'Reason for deleting', value: '', errors: {}, required: true })}
    <button type="submit" class="danger">Delete rule ${view.values.name}</button>
  </form>`;
}
