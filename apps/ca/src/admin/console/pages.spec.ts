import { escapeHtml } from './html';
import {
  renderApiTokensPage,
  renderAuditPage,
  renderDryRunPage,
  renderIssuancesPage,
  renderIssuersPage,
  renderPolicyVersionsPage,
  renderRuleFormPage,
  renderRulesPage,
  renderSignInPage,
} from './index';
import * as fixture from './testing';
import type { PageContext } from './view-models';

/** Keys whose values choose a branch (unions the compiler checks): kept, not made hostile. */
const BRANCH_KEYS = new Set(['outcome', 'decision', 'problem', 'mode', 'kind']);

/**
 * `value` with every string replaced by a distinct hostile one (an HTML tag, both quotes and an
 * ampersand, starting with `/` so that safeHref lets it through to the escaping); `markers`
 * receives each with its path.
 */
function hostile<T>(value: T, markers: Array<[string, string]>, path = ''): T {
  if (typeof value === 'string') {
    const marker = `/<x${markers.length}>"'&`;
    markers.push([path, marker]);
    return marker as T;
  }
  if (Array.isArray(value)) {
    return (value as unknown[]).map((v, i) => hostile(v, markers, `${path}[${i}]`)) as T;
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        BRANCH_KEYS.has(k) ? v : hostile(v, markers, path === '' ? k : `${path}.${k}`),
      ]),
    ) as T;
  }
  return value;
}

type Page = (ctx: PageContext, markers: Array<[string, string]>) => string;

/**
 * Each page, and the fields it does not print (by path): a select's or checkbox's posted value
 * (it only marks a choice selected), rule ids (names identify rules to people), what a denial
 * has no use for (the deciding rule, the lifetime) and an allowance (the denial reason), the id
 * of a revoked token (no revoke form) and of a created one (its name and secret are shown).
 */
const PAGES: Record<string, { page: Page; notPrinted: readonly RegExp[] }> = {
  rules: {
    page: (ctx, m) => renderRulesPage(ctx, hostile(fixture.rulesList, m)),
    notPrinted: [/^rules\[\d+\]\.id$/, /^readOnlyReason$/],
  },
  'rules read-only': {
    page: (ctx, m) => renderRulesPage(ctx, hostile({ ...fixture.rulesList, canEdit: false }, m)),
    notPrinted: [/^rules\[\d+\]\.id$/],
  },
  'rule form': {
    page: (ctx, m) => renderRuleFormPage(ctx, hostile(fixture.ruleForm, m)),
    notPrinted: [/^values\.allowedKeyAlgorithms\[\d+\]$/],
  },
  'dry run (denied)': {
    page: (ctx, m) => renderDryRunPage(ctx, hostile(fixture.dryRun, m)),
    notPrinted: [/^values\.keyAlgorithm$/, /^result\.rule\./, /^result\.lifetime$/],
  },
  'dry run (allowed)': {
    page: (ctx, m) =>
      renderDryRunPage(
        ctx,
        hostile(
          { ...fixture.dryRun, result: { ...fixture.dryRun.result!, decision: 'allowed' } },
          m,
        ),
      ),
    notPrinted: [/^values\.keyAlgorithm$/, /^result\.rule\.id$/, /^result\.reason$/],
  },
  issuers: {
    page: (ctx, m) => renderIssuersPage(ctx, hostile(fixture.issuers, m)),
    notPrinted: [],
  },
  issuances: {
    page: (ctx, m) => renderIssuancesPage(ctx, hostile(fixture.issuances, m)),
    notPrinted: [],
  },
  'policy versions': {
    page: (ctx, m) => renderPolicyVersionsPage(ctx, hostile(fixture.policyVersions, m)),
    notPrinted: [],
  },
  audit: { page: (ctx, m) => renderAuditPage(ctx, hostile(fixture.audit, m)), notPrinted: [] },
  'API tokens': {
    page: (ctx, m) => renderApiTokensPage(ctx, hostile(fixture.apiTokens, m)),
    notPrinted: [/^form\.values\.role$/, /^tokens\[1\]\.id$/, /^created\.id$/],
  },
  'sign-in': { page: (_ctx, m) => renderSignInPage(hostile(fixture.signIn, m)), notPrinted: [] },
};

/**
 * HTML with insignificant whitespace removed (runs collapsed, none next to a tag, `/>` as `>`),
 * so that assertions do not depend on how Prettier lays out the templates.
 */
function squash(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\s*\/?>\s*/g, '>')
    .replace(/\s*</g, '<');
}

/** The forms in which a marker may appear: escaped text, or an escaped, percent-encoded URL part. */
function printed(out: string, marker: string): boolean {
  return [
    marker,
    encodeURIComponent(marker),
    new URLSearchParams({ q: marker }).toString().slice(2),
  ].some((form) => out.includes(escapeHtml(form)));
}

/** Asserts `out` (squashed) contains `fragment` (squashed likewise). */
const has = (out: string, fragment: string) => expect(out).toContain(squash(fragment));

const tags = (out: string) => out.match(/<[a-zA-Z][^>]*>/g) ?? [];

describe('console pages', () => {
  describe.each(Object.entries(PAGES))('%s', (name, { page, notPrinted }) => {
    const markers: Array<[string, string]> = [];
    const ctxMarkers: Array<[string, string]> = [];
    const ctx = hostile(fixture.pageContext, ctxMarkers);
    const out = squash(page(ctx, markers));

    it('prints every field escaped, and no hostile markup survives', () => {
      expect(out).not.toMatch(/<x\d/);
      const missing = markers
        .filter(([path]) => !notPrinted.some((p) => p.test(path)))
        .filter(([, marker]) => !printed(out, marker))
        .map(([path]) => path);
      expect(missing).toEqual([]);
      if (name !== 'sign-in') {
        // The user, the CSRF token and the flash are on every signed-in page.
        expect(ctxMarkers.filter(([, m]) => !printed(out, m)).map(([p]) => p)).toEqual([]);
      }
    });

    it('has no inline script, inline style or event-handler attribute (the CSP forbids them)', () => {
      const all = tags(out);
      expect(
        all.filter((t) => /^<script\b/i.test(t) && !/\bsrc="\/admin\/assets\//.test(t)),
      ).toEqual([]);
      expect(all.filter((t) => /^<style\b/i.test(t))).toEqual([]);
      expect(all.filter((t) => /\s(style|on[a-z]+)\s*=/i.test(t))).toEqual([]);
      expect(all.filter((t) => /\b(src|href)="(?!\/|https?:|#)/.test(t))).toEqual([]);
    });

    it('labels every control, and every aria-describedby points at an element', () => {
      const controls = tags(out).filter(
        (t) => /^<(input|select|textarea)\b/.test(t) && !/type="hidden"/.test(t),
      );
      for (const control of controls) {
        const id = /\sid="([^"]+)"/.exec(control)?.[1];
        expect(id).toBeDefined();
        expect(out).toContain(`<label for="${id}">`);
      }
      for (const match of out.matchAll(/aria-describedby="([^"]+)"/g)) {
        for (const id of match[1]!.split(' ')) expect(out).toContain(`id="${id}"`);
      }
    });

    it('has a skip link to main, and every POST form carries the CSRF token', () => {
      expect(out).toContain('<a class="skip-link" href="#main">');
      expect(out).toContain('<main id="main" tabindex="-1">');
      const forms = out.split('<form').slice(1);
      for (const form of forms.filter((f) => /^[^>]*method="post"/.test(f))) {
        const body = form.slice(0, form.indexOf('</form>'));
        expect(body).toContain(
          `<input type="hidden" name="_csrf" value="${escapeHtml(ctx.csrfToken)}">`,
        );
      }
    });
  });

  it('announces form errors (role="alert") and ties each to its field', () => {
    const out = squash(renderRuleFormPage(fixture.pageContext, fixture.ruleForm));
    has(out, '<div class="error-summary" role="alert">');
    has(out, '<a href="#field-subject">Subject: not a valid regular expression: missing )</a>');
    expect(out).toMatch(
      /<input id="field-subject"[^>]* aria-describedby="field-subject-hint field-subject-error" aria-invalid="true">/,
    );
    has(
      out,
      '<p class="field-error" id="field-subject-error"><strong>Error:</strong> not a valid regular expression: missing )</p>',
    );
  });

  it('says the decision and each rule outcome in words, not colour alone', () => {
    const denied = squash(renderDryRunPage(fixture.pageContext, fixture.dryRun));
    has(denied, '✗ Denied</span>: <code>NO_RULE</code>');
    has(denied, '✗ claim missing</td><td>no claim <code>environment</code>');
    has(denied, '✗ claim did not match');
    has(denied, '✗ issuer did not match');
    has(denied, '✗ subject did not match');
    has(denied, '✗ key algorithm not allowed');
    has(denied, '– not reached');
    has(denied, 'Claims the rules need that the input lacks: <code>environment</code>');
    const allowed = squash(
      renderDryRunPage(fixture.pageContext, {
        ...fixture.dryRun,
        result: { ...fixture.dryRun.result!, decision: 'allowed' },
      }),
    );
    has(allowed, '✓ Allowed</span> by rule <strong>release</strong> (#0)');
    has(allowed, '<dt>Lifetime</dt><dd>10 minutes</dd>');
  });

  it('marks the current section in the nav', () => {
    const out = squash(renderIssuersPage(fixture.pageContext, fixture.issuers));
    expect(out.match(/aria-current="page"/g)).toHaveLength(1);
    has(out, '<a href="/admin/issuers" aria-current="page">Issuers</a>');
  });

  it('never links to a script URL taken from data', () => {
    const out = squash(
      renderIssuancesPage(fixture.pageContext, {
        ...fixture.issuances,
        rows: [
          { ...fixture.issuances.rows[0]!, ctEntry: { index: '1', url: 'javascript:alert(1)' } },
        ],
      }),
    );
    expect(out).not.toContain('javascript:');
    has(out, '<a href="#">entry 1</a>');
  });

  it('keeps the filters in the pagination links', () => {
    const out = squash(renderIssuancesPage(fixture.pageContext, fixture.issuances));
    has(
      out,
      '<a rel="next" href="/admin/issuances?identity=https%3A%2F%2Fgithub.com%2Facme%2Fapp&amp;issuer=https%3A%2F%2Ftoken.actions.githubusercontent.com&amp;rule=release&amp;policyVersion=4&amp;since=2026-11-01&amp;until=2026-11-02&amp;cursor=cursor-next">Older →</a>',
    );
  });

  it('shows a created token secret once, and a revoke button only for live tokens', () => {
    const out = squash(renderApiTokensPage(fixture.pageContext, fixture.apiTokens));
    has(out, 'value="sgn_at_example" data-copy>');
    expect(out.match(/>Revoke</g)).toHaveLength(1);
    has(out, 'action="/admin/tokens/c2a7e0f1-3333-4c1e-9d4e-000000000001/revoke"');
    expect(
      renderApiTokensPage(fixture.pageContext, { ...fixture.apiTokens, created: undefined }),
    ).not.toContain('sgn_at_');
  });
});
