/**
 * The console's whole template engine: an `html` tagged template that escapes every interpolated
 * value unless it is already {@link SafeHtml} (the result of another `html` call). Chosen over
 * hbs/eta/ejs because the view models are then checked by the compiler (a renamed field is a type
 * error, not an empty cell), escaping is the default with no "raw" syntax to misuse, there is no
 * views directory for the build to copy, and it costs no dependency.
 *
 * Attribute values must be written double-quoted (`value="${v}"`): escaping `"` and `'` then keeps
 * a value inside its attribute. URLs in `href`/`action` go through {@link safeHref} as well, since
 * escaping does not stop a `javascript:` URL.
 */
export class SafeHtml {
  /** Only `html`, {@link join} and the static parts of a template make one. */
  private constructor(readonly text: string) {}

  /** @internal */
  static trusted(text: string): SafeHtml {
    return new SafeHtml(text);
  }

  toString(): string {
    return this.text;
  }
}

/** What a template may interpolate: plain values are escaped; null, undefined and false render nothing. */
export type HtmlValue =
  string | number | bigint | boolean | null | undefined | SafeHtml | readonly HtmlValue[];

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` with `& < > " '` replaced by entities: safe as element text and in a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** The tagged template: `html\`<td>${row.name}</td>\`` escapes `row.name`. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return SafeHtml.trusted(out);
}

/** `parts` rendered one after another (each escaped unless already safe). */
export function join(parts: readonly HtmlValue[], separator = ''): SafeHtml {
  return SafeHtml.trusted(parts.map(render).join(escapeHtml(separator)));
}

/**
 * `url` when it is a same-origin path (`/admin/...`, not `//host`) or an absolute http(s) URL,
 * else `#`: an `href` built from data (a log URL, a stored link) can never run script.
 */
export function safeHref(url: string): string {
  if (url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\')) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : '#';
  } catch {
    return '#';
  }
}

/** `path` with `params` as its query string, leaving out empty values. */
export function withQuery(
  path: string,
  params: Readonly<Record<string, string | undefined>>,
): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') query.set(key, value);
  }
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}
