import { html, type SafeHtml, withQuery } from '../html';
import type { Pagination } from '../view-models';

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
