/* The admin console end to end (issue 17), in Debian's chromium: a real stack (CA with the policy
   in the database and every version logged, the log), a real OpenID provider (oidc-provider) whose
   login page the browser fills in, then a rule created in the console form (refused first for a
   pattern that does not compile, the error beside its field), a token minted by the stack's e-mail
   issuer allowed by it in the dry run, the rule deleted, and the same identity denied with the
   trace saying why. Keyboard only on the main path; no console error and no CSP violation; each
   change is a policy version in the database and in the log. */
import 'reflect-metadata';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '@app/devkit';
import {
  focusedText,
  launchChromium,
  observedPage,
  screenshot,
  type ObservedPage,
} from '@app/testing/browser';
import { type AdminIdp, startAdminIdp } from './support/oidc-provider';
import { startStack, type Stack } from './support/stack';

const ACCOUNTS = {
  alice: { email: 'alice@example.com', email_verified: true, groups: ['signet-admins'] },
};

describe('admin console: sign in, change a rule, see the dry run follow (issue 17)', () => {
  let stack: Stack;
  let idp: AdminIdp;
  let browser: Browser;
  let observed: ObservedPage;
  let page: Page;
  let caUrl: string;

  beforeAll(async () => {
    const caPort = await freePort();
    caUrl = `http://127.0.0.1:${caPort}`;
    idp = await startAdminIdp(`${caUrl}/admin/auth/callback`, ACCOUNTS);
    stack = await startStack(
      [{ name: 'alice-only', issuer: '$EMAIL_ISSUER', subject: 'alice@example.com' }],
      [],
      { CA_POLICY_LOG: 'true', ADMIN_OIDC_CLIENT_SECRET: idp.clientSecret },
      {
        caPort,
        config: {
          policy: { source: 'database' },
          admin: {
            oidc: {
              issuer: idp.url,
              clientId: idp.clientId,
              allowHttp: true,
              scopes: ['openid', 'email', 'profile', 'groups'],
            },
            roleBindings: [{ claim: 'groups', equals: 'signet-admins', role: 'owner' }],
          },
        },
      },
    );
    browser = await launchChromium();
    observed = await observedPage(browser);
    page = observed.page;
  }, 120_000);

  afterAll(async () => {
    await observed?.context.close();
    await browser?.close();
    await stack?.close();
    await idp?.close();
  });

  const bobToken = () =>
    stack.fx.email.mint({ sub: 'user-2', email: 'bob@example.com', email_verified: true });
  const versions = () =>
    stack.db.query<{ version: string; reason: string; actor_kind: string; log_index: string }>(
      'SELECT version, reason, actor_kind, log_index FROM policy_version ORDER BY version',
    );

  /** Presses Tab until the focused control is labelled `label` (at most `max` times). */
  async function tabTo(label: string, max = 12): Promise<void> {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if ((await focusedText(page)) === label) return;
    }
    throw new Error(`Tab never reached "${label}" (on "${await focusedText(page)}")`);
  }

  /** Follows a link by keyboard: focus it, Enter, wait for `path`. */
  async function follow(name: string, path: string): Promise<void> {
    await page.getByRole('link', { name, exact: true }).first().focus();
    await Promise.all([page.waitForURL(`${caUrl}${path}`), page.keyboard.press('Enter')]);
  }

  /** Submits the focused field's form with Enter and waits for the next page, at `path`. */
  async function submit(path: string): Promise<void> {
    // Not waitForURL: a refused form or the dry run answers at the URL the page already has.
    const navigated = page.waitForEvent('framenavigated', (f) => f === page.mainFrame());
    await page.keyboard.press('Enter');
    await navigated;
    await page.waitForLoadState('load');
    expect(page.url()).toBe(`${caUrl}${path}`);
  }

  async function dryRun(token: string): Promise<void> {
    await follow('Dry run', '/admin/dry-run');
    await page.getByLabel('Token or claims').focus();
    await page.keyboard.insertText(token);
    await expect(page.locator('#input-kind').textContent()).resolves.toBe(
      'Reads as a token: it is verified as a signing request would be.',
    );
    await tabTo('Evaluate');
    await submit('/admin/dry-run');
    // console.js takes keyboard users to the answer.
    expect(await page.evaluate('document.activeElement.id')).toBe('result');
  }

  it('signs in through the IdP login page, by keyboard', async () => {
    await page.goto(`${caUrl}/admin`);
    // Not signed in: the console sends the browser to the IdP, whose login field has focus.
    expect(page.url().startsWith(`${idp.url}/interaction/`)).toBe(true);
    // Chromium applies `autofocus` when it next renders, which a loaded machine can delay past the
    // load event: typing before then would go to the page's body.
    await page.waitForFunction("document.activeElement?.getAttribute('name') === 'login'");
    await page.keyboard.type('alice');
    await page.keyboard.press('Tab');
    await page.keyboard.type('any password');
    await Promise.all([
      page.waitForURL(`${caUrl}/admin/rules`).catch(async (e: unknown) => {
        // Say where the browser stopped and what that page says (an IdP error page names its error).
        const text = await page
          .locator('body')
          .innerText()
          .catch(() => '(no body)');
        throw new Error(`sign-in stopped at ${page.url()}: ${text.slice(0, 500)}\n${String(e)}`);
      }),
      page.keyboard.press('Enter'),
    ]);
    // From here on, only the console's own pages are observed.
    for (const list of Object.values(observed)) if (Array.isArray(list)) list.length = 0;

    expect(await page.title()).toBe('Rules · Signet admin');
    await expect(page.locator('.site-header .user').innerText()).resolves.toBe(
      'Signed in as alice@example.com (owner)',
    );
    await expect(page.locator('table tbody tr').allInnerTexts()).resolves.toEqual([
      expect.stringContaining('alice-only') as string,
    ]);
    await screenshot(page, 'console-flow-1-rules');
  });

  it('creates a rule in the form: a pattern that does not compile is named beside its field', async () => {
    await follow('New rule', '/admin/new-rule');
    await page.getByLabel('Name', { exact: true }).focus();
    await page.keyboard.type('bob');
    await page.keyboard.press('Tab');
    await page.keyboard.type(stack.fx.email.url);
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('Subject');
    await page.keyboard.type('/bob(@example\\.com/');
    await tabTo('Reason for this change');
    await page.keyboard.type('bob signs releases');
    await submit('/admin/rules');

    expect(await page.title()).toBe('New rule · Signet admin');
    const subjectError = await page.locator('#field-subject-error').innerText();
    expect(subjectError).toMatch(/^Error: .+/);
    await expect(page.getByLabel('Subject').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('.error-summary a').allInnerTexts()).resolves.toEqual([
      `Subject: ${subjectError.replace(/^Error: /, '')}`,
    ]);
    // What was typed is kept, and nothing changed.
    await expect(page.getByLabel('Reason for this change').inputValue()).resolves.toBe(
      'bob signs releases',
    );
    expect((await versions()).map((v) => v.version)).toEqual(['1']);
    await screenshot(page, 'console-flow-2-invalid-pattern');

    // The error summary's link takes the keyboard to the field.
    await page.locator('.error-summary a').focus();
    await page.keyboard.press('Enter');
    expect(await focusedText(page)).toBe('Subject');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('bob@example.com');
    await submit('/admin/rules');

    await expect(page.locator('.flash-success').innerText()).resolves.toBe(
      'Done: Rule bob created (policy version 2).',
    );
    await expect(page.locator('table tbody tr').allInnerTexts()).resolves.toEqual([
      expect.stringContaining('alice-only') as string,
      expect.stringContaining('bob@example.com') as string,
    ]);
  });

  it('allows a token of bob in the dry run, by rule bob', async () => {
    await dryRun(await bobToken());
    await expect(page.locator('.decision-line').innerText()).resolves.toBe(
      '✓ Allowed by rule bob (#1)',
    );
    await expect(page.locator('.certificate').innerText()).resolves.toContain('bob@example.com');
    await expect(page.locator('table.trace tbody tr').allInnerTexts()).resolves.toEqual([
      expect.stringMatching(/^0\s+alice-only\s+✗ subject did not match\s+bob@example\.com/),
      expect.stringMatching(/^1\s+bob\s+✓ matched/),
    ]);
    await screenshot(page, 'console-flow-3-dry-run-allowed');
  });

  it('deletes the rule; the dry run then denies bob and the trace says why', async () => {
    await follow('Rules', '/admin/rules');
    await follow('bob', '/admin/rules/bob');
    await page.getByLabel('Reason for deleting').focus();
    await page.keyboard.type('bob left');
    await submit('/admin/rules');
    await expect(page.locator('.flash-success').innerText()).resolves.toBe(
      'Done: Rule bob deleted (policy version 3).',
    );

    await dryRun(await bobToken());
    await expect(page.locator('.decision-line').innerText()).resolves.toBe('✗ Denied: NO_RULE');
    await expect(page.locator('table.trace tbody tr').allInnerTexts()).resolves.toEqual([
      expect.stringMatching(
        /^0\s+alice-only\s+✗ subject did not match\s+bob@example\.com does not match alice@example\.com$/,
      ),
    ]);
    await screenshot(page, 'console-flow-4-dry-run-denied');
  });

  it('made each change a policy version, logged, and shows them with their log entries', async () => {
    const rows = await versions();
    expect(rows.map(({ version, reason, actor_kind }) => [version, reason, actor_kind])).toEqual([
      ['1', expect.any(String), 'file'],
      ['2', 'bob signs releases', 'session'],
      ['3', 'bob left', 'session'],
    ]);
    expect(rows.map((r) => r.log_index)).toEqual(['0', '1', '2']);

    await follow('Policy versions', '/admin/policy/versions');
    const shown = await page.locator('table tbody tr').allInnerTexts();
    expect(shown).toHaveLength(3);
    expect(shown[0]).toMatch(/^3\s+current[\s\S]*alice@example\.com \(session\)\s+bob left/);
    expect(shown[0]).toContain('index 2');
    await screenshot(page, 'console-flow-5-policy-versions');

    await follow('Audit', '/admin/audit');
    const audit = await page.locator('table tbody tr').allInnerTexts();
    expect(audit.filter((r) => r.includes('policy.change'))).toEqual([
      expect.stringMatching(/rule\.delete bob\s+bob left\s+v2 → v3/),
      expect.stringMatching(/rule\.create bob\s+bob signs releases\s+v1 → v2/),
    ]);
  });

  it('ran clean: no console error, no CSP violation, no failed request but the refused form', () => {
    expect(observed.cspViolations).toEqual([]);
    expect(observed.pageErrors).toEqual([]);
    expect(observed.failedRequests).toEqual([`${caUrl}/admin/rules: HTTP 400`]);
    expect(observed.consoleErrors.filter((m) => !m.includes('status of 400'))).toEqual([]);
  });

  it('signs out with the header button, and the console asks for sign-in again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).focus();
    await Promise.all([
      page.waitForURL(`${caUrl}/admin/sign-in?signedOut=1`),
      page.keyboard.press('Enter'),
    ]);
    await expect(page.locator('.flash-success').innerText()).resolves.toBe(
      'Done: You are signed out.',
    );
    // The session is gone: a console page sends the browser to sign in (the IdP may still know it).
    const res = await page.request.get(`${caUrl}/admin/rules`, {
      maxRedirects: 0,
      headers: { accept: 'text/html' },
    });
    expect([res.status(), res.headers()['location']]).toEqual([302, '/admin/login']);
  });
});
