/* The admin console in a real browser (Debian chromium, test/support/browser.ts), served by a
   minimal Nest app: the console's own module (security headers, assets) plus a controller that
   renders pages from the view-model fixtures. Checks the console runs clean under its CSP, works
   by keyboard, and that the harness itself notices CSP violations. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Body, Controller, Get, Header, Module, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import type { Browser } from 'playwright-core';
import {
  CONSOLE_CSP,
  CONSOLE_HEADERS,
  ConsoleModule,
  renderDryRunPage,
  type DryRunFormValues,
} from '../apps/ca/src/admin/console';
import { CONSOLE_ASSETS_DIR, loadConsoleAssets } from '../apps/ca/src/admin/console/console-assets';
import * as fixture from '../apps/ca/src/admin/console/testing';
import {
  focusedText,
  launchChromium,
  observedPage,
  screenshot,
  type ObservedPage,
} from '@app/testing/browser';

const posted: Array<Record<string, string>> = [];

@Controller('admin')
class FixturePagesController {
  @Get('dry-run')
  @Header('Content-Type', 'text/html; charset=utf-8')
  dryRun(): string {
    return renderDryRunPage(
      { ...fixture.pageContext, flash: undefined },
      {
        ...fixture.dryRun,
        values: { input: '', issuer: '', keyAlgorithm: 'ecdsa-p256' },
        errors: {},
        formError: undefined,
        result: undefined,
      },
    );
  }

  @Post('dry-run')
  @Header('Content-Type', 'text/html; charset=utf-8')
  evaluate(@Body() body: Record<string, string>): string {
    posted.push(body);
    const values: DryRunFormValues = {
      input: body.input ?? '',
      issuer: body.issuer ?? '',
      keyAlgorithm: body.keyAlgorithm ?? '',
    };
    return renderDryRunPage(
      { ...fixture.pageContext, flash: undefined },
      { ...fixture.dryRun, values, errors: {}, formError: undefined },
    );
  }

  /** Breaks the CSP on purpose: the harness must report it. */
  @Get('csp-probe')
  @Header('Content-Type', 'text/html; charset=utf-8')
  cspProbe(): string {
    return '<!doctype html><title>probe</title><p style="color:red">x</p><script>document.title = "ran"</script>';
  }
}

@Module({ imports: [ConsoleModule], controllers: [FixturePagesController] })
class ConsoleFixtureModule {}

describe('admin console in a browser', () => {
  let app: INestApplication;
  let base: string;
  let browser: Browser;
  let observed: ObservedPage;

  beforeAll(async () => {
    app = await NestFactory.create(ConsoleFixtureModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  beforeEach(async () => {
    observed = await observedPage(browser);
  });

  afterEach(async () => {
    await observed.context.close();
  });

  it('sends the console security headers on pages, assets and unknown console paths', async () => {
    const server = app.getHttpServer();
    for (const path of ['/admin/dry-run', '/admin/assets/console.css', '/admin/no-such-page']) {
      const res = await request(server).get(path);
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
    const page = await request(server).get('/admin/dry-run');
    expect(page.headers['cache-control']).toBe(CONSOLE_HEADERS['Cache-Control']);
    const css = await request(server).get('/admin/assets/console.css').expect(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('no-cache');
    await request(server)
      .get('/admin/assets/console.css')
      .set('If-None-Match', css.headers.etag as string)
      .expect(304);
    const js = await request(server).get('/admin/assets/console.js').expect(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    await request(server).get('/admin/assets/..%2Fconsole.module.ts').expect(404);
    await request(server).get('/admin/assets/nope.css').expect(404);
  });

  it('ships the assets in the build (npm run build copies them into dist)', () => {
    const dist = join(__dirname, '..', 'dist', 'apps', 'ca', 'src', 'admin', 'console', 'assets');
    const built = loadConsoleAssets(dist);
    const source = loadConsoleAssets(CONSOLE_ASSETS_DIR);
    expect([...built.keys()]).toEqual([...source.keys()]);
    for (const [name, asset] of source) {
      expect(built.get(name)?.etag).toBe(asset.etag);
      expect(readFileSync(join(dist, name))).toEqual(asset.body);
    }
  });

  it('runs the dry run by keyboard alone, with no console error and no CSP violation', async () => {
    const { page } = observed;
    await page.goto(`${base}/admin/dry-run`);
    expect(await page.title()).toBe('Dry run · Signet admin');
    // The stylesheet applied (style-src 'self'): the skip link sits off-screen until focused.
    expect(
      await page.evaluate<number>(
        'document.querySelector(".skip-link").getBoundingClientRect().top',
      ),
    ).toBeLessThan(0);

    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('Skip to main content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');

    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('Token or claims');
    const claims = '{"sub":"repo:acme/app","repository_owner":"acme"}';
    await page.keyboard.type(claims);
    // console.js (script-src 'self') describes the input as it is typed.
    await expect(page.locator('#input-kind').textContent()).resolves.toBe(
      'Reads as claims (2): simulated, with the issuer below.',
    );
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('Issuer');
    await page.keyboard.type('https://token.actions.githubusercontent.com');
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('Key algorithm');
    await page.keyboard.press('ArrowDown');
    await screenshot(page, 'dry-run-form');
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('Evaluate');
    await Promise.all([page.waitForURL(`${base}/admin/dry-run`), page.keyboard.press('Enter')]);
    await page.waitForLoadState('load');

    expect(posted.at(-1)).toEqual({
      _csrf: fixture.pageContext.csrfToken,
      input: claims,
      issuer: 'https://token.actions.githubusercontent.com',
      keyAlgorithm: 'ecdsa-p384',
    });
    // The answer in words, and focus taken to it.
    await expect(page.locator('.decision-line').innerText()).resolves.toBe('✗ Denied: NO_RULE');
    expect(await page.locator('table.trace tbody tr').count()).toBe(7);
    expect(await page.evaluate('document.activeElement.id')).toBe('result');
    await screenshot(page, 'dry-run-result');

    expect(observed.cspViolations).toEqual([]);
    expect(observed.failedRequests).toEqual([]);
    expect(observed.consoleErrors).toEqual([]);
    expect(observed.pageErrors).toEqual([]);
  });

  it('reports an inline style and an inline script as CSP violations (the harness can fail)', async () => {
    const { page } = observed;
    await page.goto(`${base}/admin/csp-probe`);
    await page.waitForLoadState('load');
    expect(await page.title()).toBe('probe');
    const directives = observed.cspViolations.map((v) => v.directive).sort();
    expect(directives).toEqual(['script-src-elem', 'style-src-attr']);
    expect(
      observed.consoleErrors.filter((m) => m.includes('Content Security Policy')),
    ).toHaveLength(2);
  });
});
