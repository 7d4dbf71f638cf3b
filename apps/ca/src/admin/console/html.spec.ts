import { escapeHtml, html, join, safeHref, SafeHtml, withQuery } from './html';

describe('html', () => {
  it('escapes every interpolated value and keeps the template itself', () => {
    const value = `<script>alert("x")</script>&'`;
    expect(html`<p title="${value}">${value}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
    );
  });

  it('nests SafeHtml unescaped, escapes arrays element by element, renders null/undefined/false as nothing', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(
      html`${inner}|${[inner, '<u>']}|${null}${undefined}${false}|${0}|${12n}|${true}`.text,
    ).toBe('<b>&lt;i&gt;</b>|<b>&lt;i&gt;</b>&lt;u&gt;||0|12|true');
  });

  it('does not treat an object that looks like SafeHtml as safe', () => {
    const forged = { text: '<script>' } as unknown as SafeHtml;
    expect(html`${forged}`.text).toBe('[object Object]');
  });

  it('joins with an escaped separator', () => {
    expect(join(['<a>', html`<b></b>`], '<>').text).toBe('&lt;a&gt;&lt;&gt;<b></b>');
  });

  it('escapes the five characters that end text or a quoted attribute', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});

describe(safeHref.name, () => {
  it.each([
    ['/admin/rules', '/admin/rules'],
    ['https://log.example.com/x?a=1&b=2', 'https://log.example.com/x?a=1&b=2'],
    ['http://127.0.0.1:3000/e', 'http://127.0.0.1:3000/e'],
    ['javascript:alert(1)', '#'],
    ['JavaScript:alert(1)', '#'],
    ['data:text/html,<script>', '#'],
    ['//evil.example.com/', '#'],
    ['/\\evil.example.com/', '#'],
    ['relative/path', '#'],
    ['', '#'],
  ])('%j -> %j', (url, expected) => {
    expect(safeHref(url)).toBe(expected);
  });
});

describe(withQuery.name, () => {
  it('encodes values and leaves out empty ones', () => {
    expect(withQuery('/admin/issuances', { identity: 'a&b=c', rule: '', cursor: 'x y' })).toBe(
      '/admin/issuances?identity=a%26b%3Dc&cursor=x+y',
    );
    expect(withQuery('/admin/audit', { actor: '' })).toBe('/admin/audit');
  });
});
