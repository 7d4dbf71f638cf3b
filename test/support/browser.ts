/* Real-browser tests: Debian's chromium (/usr/bin/chromium) driven by playwright-core, pinned to
   the Playwright release built for the same Chromium major (package.json; never a browser
   Playwright downloads). Each page records console errors, uncaught exceptions and Content-
   Security-Policy violations, so a test can assert the console ran clean under its CSP; the
   screenshots go to test-artifacts/browser/ (git-ignored), kept after the run for people to look at. */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Flags that work on these machines: headless without a GPU or sandbox (tests run as root), and
 * none of Chromium's own traffic (component updates, sync, QUIC, background networking), which
 * the closed network refuses, many connections at a time. Playwright adds a fresh, temporary
 * --user-data-dir (in TMPDIR, removed at close) to every launch.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where screenshots are kept (git-ignored). */
export const BROWSER_ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'browser');

/**
 * Starts Debian's chromium, headless. Throws, naming the install command, when it is missing:
 * a browser suite fails rather than skip (tools/test/jest.js installs it first where it can).
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Debian chromium is not installed (${CHROMIUM}): run \`apt-get install -y chromium\` ` +
        '(tools/test/jest.js and .ci/run install it themselves as root or with passwordless sudo)',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A CSP violation as the page's `securitypolicyviolation` event reported it. */
export interface CspViolation {
  readonly directive: string;
  readonly blockedUri: string;
  readonly documentUri: string;
}

/** A page and what went wrong in it. */
export interface ObservedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console messages of type error (Chromium also logs each CSP refusal here). */
  readonly consoleErrors: string[];
  /** Uncaught exceptions in page scripts. */
  readonly pageErrors: string[];
  readonly cspViolations: CspViolation[];
  /** Requests for the page's resources that failed or answered 4xx/5xx. */
  readonly failedRequests: string[];
}

/**
 * A new page in a fresh context (its own cookies) that records console errors, page errors,
 * failed requests and CSP violations from the first script of every document on.
 */
export async function observedPage(browser: Browser): Promise<ObservedPage> {
  const context = await browser.newContext();
  const observed: ObservedPage = {
    context,
    page: await context.newPage(),
    consoleErrors: [],
    pageErrors: [],
    cspViolations: [],
    failedRequests: [],
  };
  // The binding and the init script go through the DevTools protocol, which the page's CSP does
  // not govern: the listener is there before any of the page's own code.
  await context.exposeBinding('__signetCspViolation', (_source, violation: CspViolation) => {
    observed.cspViolations.push(violation);
  });
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) => {
      window.__signetCspViolation({
        directive: e.effectiveDirective,
        blockedUri: e.blockedURI,
        documentUri: e.documentURI,
      });
    });`,
  });
  const { page } = observed;
  page.on('console', (message) => {
    if (message.type() === 'error') observed.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => observed.pageErrors.push(error.message));
  page.on('requestfailed', (request) =>
    observed.failedRequests.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) {
      observed.failedRequests.push(`${response.url()}: HTTP ${response.status()}`);
    }
  });
  return observed;
}

/** Saves a full-page screenshot as test-artifacts/browser/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(BROWSER_ARTIFACTS, { recursive: true });
  const path = join(BROWSER_ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The accessible text of the focused element (what a keyboard user is on). */
export async function focusedText(page: Page): Promise<string> {
  // A string, evaluated in the page: this project compiles without the DOM library.
  return page.evaluate<string>(`(() => {
    const el = document.activeElement;
    if (el === null) return '';
    const label = el.id !== '' ? document.querySelector('label[for="' + el.id + '"]') : null;
    return (label?.textContent ?? el.getAttribute('aria-label') ?? el.textContent ?? '').trim();
  })()`);
}
