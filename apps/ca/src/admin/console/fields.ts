import { html, type SafeHtml } from './html';
import type { FieldErrors } from './view-models';

/** The hidden CSRF field every console form carries (checked by the admin guard). */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}" />`;
}

/** The id of the input for form field `name` (the error summary links to it). */
export function fieldId(name: string): string {
  return `field-${name}`;
}

interface FieldOptions {
  readonly name: string;
  readonly label: string;
  readonly errors: FieldErrors;
  /** Shown under the label and read with the input (aria-describedby). */
  readonly hint?: string;
}

/** Label, hint and error of one field, and the attributes that tie them to its input. */
function parts(o: FieldOptions): { head: SafeHtml; describedBy: SafeHtml; error?: string } {
  const id = fieldId(o.name);
  const error = o.errors[o.name];
  const ids = [o.hint !== undefined ? `${id}-hint` : '', error !== undefined ? `${id}-error` : '']
    .filter((x) => x !== '')
    .join(' ');
  const head = html`<label for="${id}">${o.label}</label>
    ${o.hint !== undefined ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
    ${error !== undefined ? html`<p class="field-error" id="${id}-error"><strong>Error:</strong> ${error}</p>` : ''}`;
  const describedBy = html`${ids !== '' ? html` aria-describedby="${ids}"` : ''}${error !== undefined ? html` aria-invalid="true"` : ''}`;
  return error !== undefined ? { head, describedBy, error } : { head, describedBy };
}

function fieldClass(error: string | undefined): string {
  return error !== undefined ? 'field field-invalid' : 'field';
}

/** A labelled single-line input. */
export function textField(
  o: FieldOptions & {
    readonly value: string;
    readonly type?: 'text' | 'search' | 'datetime-local' | 'date';
    readonly required?: boolean;
    readonly list?: string;
    readonly autocomplete?: string;
  },
): SafeHtml {
  const { head, describedBy, error } = parts(o);
  return html`<div class="${fieldClass(error)}">
    ${head}
    <input
      id="${fieldId(o.name)}"
      name="${o.name}"
      type="${o.type ?? 'text'}"
      value="${o.value}"
      ${o.required === true ? html` required` : ''}${o.list !== undefined ? html` list="${o.list}"` : ''}
      autocomplete="${o.autocomplete ?? 'off'}"
      ${describedBy}
    />
  </div>`;
}

/** A labelled multi-line input (spellcheck off: it holds tokens, claims and patterns). */
export function textAreaField(
  o: FieldOptions & { readonly value: string; readonly rows?: number; readonly required?: boolean },
): SafeHtml {
  const { head, describedBy, error } = parts(o);
  return html`<div class="${fieldClass(error)}">
    ${head}
    <textarea
      id="${fieldId(o.name)}"
      name="${o.name}"
      rows="${o.rows ?? 6}"
      spellcheck="false"
      ${o.required === true ? html` required` : ''}${describedBy}
    >
${o.value}</textarea>
  </div>`;
}

/** A labelled select; `value` not among `choices` selects the first. */
export function selectField(
  o: FieldOptions & {
    readonly value: string;
    readonly choices: ReadonlyArray<{ readonly value: string; readonly label: string }>;
  },
): SafeHtml {
  const { head, describedBy, error } = parts(o);
  const options = o.choices.map(
    (c) =>
      html`<option value="${c.value}" ${c.value === o.value ? html` selected` : ''}>
        ${c.label}
      </option>`,
  );
  return html`<div class="${fieldClass(error)}">
    ${head}
    <select id="${fieldId(o.name)}" name="${o.name}" ${describedBy}>
      ${options}
    </select>
  </div>`;
}

/** A fieldset of checkboxes sharing `name` (each checked value is posted). */
export function checkboxesField(
  o: FieldOptions & { readonly values: readonly string[]; readonly choices: readonly string[] },
): SafeHtml {
  const id = fieldId(o.name);
  const error = o.errors[o.name];
  const boxes = o.choices.map(
    (choice, i) =>
      html`<div class="checkbox">
        <input
          type="checkbox"
          id="${i === 0 ? id : `${id}-${i}`}"
          name="${o.name}"
          value="${choice}"
          ${o.values.includes(choice) ? html` checked` : ''}
        /><label for="${i === 0 ? id : `${id}-${i}`}">${choice}</label>
      </div>`,
  );
  const ids = [o.hint !== undefined ? `${id}-hint` : '', error !== undefined ? `${id}-error` : '']
    .filter((x) => x !== '')
    .join(' ');
  return html`<fieldset
    class="${fieldClass(error)}"
    ${ids !== '' ? html` aria-describedby="${ids}"` : ''}
  >
    <legend>${o.label}</legend>
    ${o.hint !== undefined ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
    ${error !== undefined ? html`<p class="field-error" id="${id}-error"><strong>Error:</strong> ${error}</p>` : ''}
    ${boxes}
  </fieldset>`;
}

/**
 * The list of what is wrong with a submitted form, announced on load (role="alert"), each field
 * error linking to its input; `labels` names the fields in the order the form shows them.
 */
export function errorSummary(
  errors: FieldErrors,
  formError: string | undefined,
  labels: ReadonlyArray<readonly [name: string, label: string]>,
): SafeHtml {
  const items = labels.flatMap(([name, label]) => {
    const message = errors[name];
    return message === undefined
      ? []
      : [html`<li><a href="#${fieldId(name)}">${label}: ${message}</a></li>`];
  });
  // An error on a field this form does not show (an API path the controller did not map) still shows.
  const known = new Set(labels.map(([name]) => name));
  for (const [name, message] of Object.entries(errors)) {
    if (!known.has(name) && message !== undefined) items.push(html`<li>${name}: ${message}</li>`);
  }
  if (items.length === 0 && formError === undefined) return html``;
  return html`<div class="error-summary" role="alert">
    <h2>There is a problem</h2>
    ${formError !== undefined ? html`<p>${formError}</p>` : ''}
    ${
      items.length > 0
        ? html`<ul>
            ${items}
          </ul>`
        : ''
    }
  </div>`;
}
