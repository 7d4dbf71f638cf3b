import { errorSummary, textField } from '../fields';
import { html, type SafeHtml, withQuery } from '../html';
import type { FieldErrors, Pagination } from '../view-models';

/**
 * A table with a caption and column headings, or the `empty` sentence when there are no rows
 * (each row renders its own `<tr>`, with the identifying cell as `<th scope="row">`).
 */
export function dataTable(o: {
  readonly caption: string;
  readonly columns: readonly string[];
  readonly rows: readonly SafeHtml[];
  readonly empty: string;
  readonly className?: string;
}): SafeHtml {
  if (o.rows.length === 0) return html`<p>${o.empty}</p>`;
  return html`<table${o.className !== undefined ? html` class="${o.className}"` : ''}>
    <caption>${o.caption}</caption>
    <thead>
      <tr>${o.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr>
    </thead>
    <tbody>${o.rows}</tbody>
  </table>`;
}

/**
 * A history filter: a search (GET), bookmarkable and changing nothing, so it carries no CSRF
 * token; one text field per filter, then Filter and Clear.
 */
export function filterForm<Field extends string>(o: {
  readonly path: string;
  readonly label: string;
  readonly fields: ReadonlyArray<readonly [Field, string]>;
  readonly values: Readonly<Record<Field, string>>;
  readonly errors: FieldErrors;
  readonly formError?: string;
}): SafeHtml {
  return html`${errorSummary(o.errors, o.formError, o.fields)}
    <form class="filters" method="get" action="${o.path}" role="search" aria-label="${o.label}">
      ${o.fields.map(([name, label]) =>
        textField({ name, label, value: o.values[name], errors: o.errors, type: 'search' }),
      )}
      <button type="submit">Filter</button>
      <a href="${o.path}">Clear</a>
    </form>`;
}

/**
 * Previous/next links for keyset pagination, keeping the page's filters in the query. Links, not
 * buttons: a page of history is a bookmarkable GET.
 */
export function paginationNav(
  path: string,
  filters: Readonly<Record<string, string>>,
  pagination: Pagination,
  label: string,
): SafeHtml {
  if (pagination.previous === undefined && pagination.next === undefined) return html``;
  const link = (cursor: string, rel: 'prev' | 'next', text: string) =>
    html`<a rel="${rel}" href="${withQuery(path, { ...filters, cursor })}">${text}</a>`;
  return html`<nav class="pagination" aria-label="${label} pages">
    ${pagination.previous !== undefined ? link(pagination.previous, 'prev', '← Newer') : ''}
    ${pagination.next !== undefined ? link(pagination.next, 'next', 'Older →') : ''}
  </nav>`;
}
