import 'reflect-metadata';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { stringify } from 'yaml';
import { freePort } from '@app/devkit';
import {
  ADMIN_AUDIT_COLUMNS,
  type AdminAuditDbRow,
  auditRowFromDb,
  firstBrokenAuditRow,
  insertApiToken,
  newApiToken,
} from '@app/schema';
import { CaModule } from '../apps/ca/src/app.module';
import { bootApp, testConfig } from './support/apps';
import { createTestDatabase, type TestDatabase } from './support/database';
import { type AdminIdp, jose, startAdminIdp } from './support/oidc-provider';
import { makeTempDir, removeTempDir } from './support/temp-dir';

type Agent = ReturnType<typeof request.agent>;

const ACCOUNTS = {
  alice: { email: 'alice@example.com', email_verified: true, groups: ['staff', 'signet-admins'] },
  victor: { email: 'victor@example.com', email_verified: true, groups: ['signet-viewers'] },
  nobody: { email: 'nobody@example.com', email_verified: true, groups: ['staff'] },
};

describe('admin sign-in, sessions, CSRF, roles, API tokens and audit (issue 17)', () => {
  let db: TestDatabase;
  let idp: AdminIdp;
  let ca: NestExpressApplication;
  let caUrl: string;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const port = await freePort();
    caUrl = `http://127.0.0.1:${port}`;
    idp = await startAdminIdp(`${caUrl}/admin/auth/callback`, ACCOUNTS);
    idp.down = true; // until the first test brings it up: the CA must boot without it
    dir = makeTempDir('admin-auth');
    writeFileSync(
      join(dir, 'signet.yaml'),
      stringify({
        admin: {
          oidc: {
            issuer: idp.url,
            clientId: idp.clientId,
            allowHttp: true,
            scopes: ['openid', 'email', 'profile', 'groups'],
          },
          roleBindings: [
            { claim: 'groups', equals: 'signet-admins', role: 'owner' },
            { claim: 'groups', equals: 'signet-viewers', role: 'viewer' },
          ],
          session: { idleTimeout: '30m', absoluteTimeout: '12h', signInsPerMinute: 80 },
          tokens: { maxLifetime: '30d' },
        },
      }),
    );
    const env = {
      CA_PUBLIC_URL: caUrl,
      SIGNET_CONFIG: join(dir, 'signet.yaml'),
      SIGNET_DATA_DIR: join(dir, 'data'),
      CA_CT_REQUIRED: 'false',
      ADMIN_OIDC_CLIENT_SECRET: idp.clientSecret,
    };
    ca = await bootApp(CaModule.forRoot(testConfig(await db.appUrl('signet_ca'), env)), 65536);
    await ca.listen(port, '127.0.0.1');
  });

  afterAll(async () => {
    await ca?.close();
    await idp?.close();
    await db?.drop();
    removeTempDir(dir);
  });

  const pathOf = (url: string) => {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  };

  /** Starts a sign-in in `browser`; returns the IdP authorization URL. */
  async function startSignIn(browser: Agent): Promise<URL> {
    const res = await browser.get('/admin/login').expect(302);
    return new URL(res.headers.location as string);
  }

  /** Logs `account` in at the IdP (devInteractions) and returns the callback URL it sends back. */
  async function idpLogin(authorize: URL, account: string): Promise<string> {
    const idpBrowser = request.agent(idp.url);
    const toInteraction = await idpBrowser.get(pathOf(authorize.href)).expect(303);
    const interaction = toInteraction.headers.location as string;
    const back = await idpBrowser
      .post(interaction)
      .type('form')
      .send({ prompt: 'login', login: account, password: 'anything' })
      .expect(303);
    const toCallback = await idpBrowser
      .get(pathOf(new URL(back.headers.location as string, idp.url).href))
      .expect(303);
    return toCallback.headers.location as string;
  }

  /** A browser signed in as `account`, with its CSRF token. */
  async function signIn(account: string): Promise<{ browser: Agent; csrf: string; sid: string }> {
    const browser = request.agent(caUrl);
    const callback = await idpLogin(await startSignIn(browser), account);
    const back = await browser.get(pathOf(callback));
    expect([back.status, back.body]).toEqual([302, {}]);
    const cookie = (back.headers['set-cookie'] as unknown as string[])[0]!;
    // express-session's cookie: s:<sid>.<signature>, URL-encoded.
    const sid = /^s:([^.]+)\./.exec(decodeURIComponent(cookie.split(';')[0]!.split('=')[1]!))![1]!;
    const me = await browser.get('/api/admin/v1/me').expect(200);
    return { browser, csrf: me.body.csrfToken as string, sid };
  }

  const tokenRows = () => db.query('SELECT * FROM admin_api_token ORDER BY id');
  const signedInSessions = () =>
    db
      .query<{ n: number }>("SELECT count(*)::int AS n FROM admin_session WHERE sess ? 'admin'")
      .then((r) => r[0]!.n);
  const auditActions = () =>
    db.query<{ action: string; outcome: string; reason: string | null }>(
      'SELECT action, outcome, reason FROM admin_audit_event ORDER BY id',
    );

  it('answers 503 while the IdP cannot be discovered, keeps serving the CA, and retries', async () => {
    const res = await request(caUrl).get('/admin/login').expect(503);
    expect(res.body.message).toMatch(
      /^admin sign-in is unavailable: .*openid-configuration failed$/,
    );
    expect(res.headers['retry-after']).toBe('5');
    await request(caUrl).get('/api/v2/trustBundle').expect(200);
    idp.down = false;
    const authorize = await startSignIn(request.agent(caUrl));
    expect(authorize.origin).toBe(idp.url);
  });

  it('signs in through the real code flow with PKCE S256, state and nonce; groups give the role', async () => {
    const browser = request.agent(caUrl);
    const authorize = await startSignIn(browser);
    const q = authorize.searchParams;
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/.{20,}/);
    expect(q.get('nonce')).toMatch(/.{20,}/);
    expect(q.get('redirect_uri')).toBe(`${caUrl}/admin/auth/callback`);
    expect(q.get('scope')).toBe('openid email profile groups');
    const callback = await idpLogin(authorize, 'alice');
    const signedIn = await browser.get(pathOf(callback));
    expect([signedIn.status, signedIn.body, signedIn.headers.location]).toEqual([
      302,
      {},
      '/admin',
    ]);
    const cookie = (signedIn.headers['set-cookie'] as unknown as string[]).join('; ');
    expect(cookie).toMatch(/^signet-admin=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    // The idle timeout (30m), restarted by each response (rolling).
    const expires = Date.parse(/Expires=([^;]+)/.exec(cookie)![1]!);
    expect(Math.abs(expires - Date.now() - 1800_000)).toBeLessThan(60_000);
    const me = await browser.get('/api/admin/v1/me').expect(200);
    expect(me.body).toEqual({
      kind: 'session',
      issuer: idp.url,
      subject: 'alice',
      display: 'alice@example.com',
      role: 'owner',
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(String),
    });
    expect((await auditActions()).at(-1)).toEqual({
      action: 'session.login',
      outcome: 'success',
      reason: null,
    });
    const viewer = await signIn('victor');
    expect((await viewer.browser.get('/api/admin/v1/me').expect(200)).body.role).toBe('viewer');
  });

  it('refuses an identity no binding covers: 403, no session, an audit row', async () => {
    const sessions = await signedInSessions();
    const browser = request.agent(caUrl);
    const callback = await idpLogin(await startSignIn(browser), 'nobody');
    const res = await browser.get(pathOf(callback)).expect(403);
    expect(res.body.message).toBe(
      'nobody@example.com signed in, but no admin.roleBindings entry gives them a role',
    );
    await browser.get('/api/admin/v1/me').expect(401);
    expect(await signedInSessions()).toBe(sessions);
    expect((await auditActions()).at(-1)).toEqual({
      action: 'session.login_failed',
      outcome: 'failure',
      reason: 'nobody@example.com signed in, but no admin.roleBindings entry gives them a role',
    });
  });

  it('refuses a callback whose state does not match, or from another browser (403)', async () => {
    const sessions = await signedInSessions();
    const browser = request.agent(caUrl);
    const callback = new URL(await idpLogin(await startSignIn(browser), 'alice'));
    // Another browser (no sign-in in flight): e.g. a login CSRF.
    const other = await request(caUrl).get(pathOf(callback.href)).expect(403);
    expect(other.body.message).toMatch(/^sign-in refused: the state does not match/);
    const forged = new URL(callback);
    forged.searchParams.set('state', 'not-the-state');
    await browser.get(pathOf(forged.href)).expect(403);
    // The state is single-use: the genuine callback after a refusal fails too.
    await browser.get(pathOf(callback.href)).expect(403);
    await browser.get('/api/admin/v1/me').expect(401);
    expect(await signedInSessions()).toBe(sessions);
  });

  it('refuses a replayed authorization code (401)', async () => {
    const browser = request.agent(caUrl);
    const first = new URL(await idpLogin(await startSignIn(browser), 'alice'));
    await browser.get(pathOf(first.href)).expect(302);
    const sessions = await signedInSessions();
    // A new sign-in in flight, answered with the code already spent (and another PKCE verifier).
    const attacker = request.agent(caUrl);
    const state = (await startSignIn(attacker)).searchParams.get('state')!;
    const replay = new URL(first);
    replay.searchParams.set('state', state);
    const res = await attacker.get(pathOf(replay.href)).expect(401);
    expect(res.body.message).toBe('the IdP refused the authorization code (invalid_grant)');
    await attacker.get('/api/admin/v1/me').expect(401);
    expect(await signedInSessions()).toBe(sessions);
  });

  it('refuses an ID token signed with another key, and one for another audience (401)', async () => {
    const sessions = await signedInSessions();
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const resign = async (
      answer: Record<string, unknown>,
      key: Parameters<typeof jose.SignJWT.prototype.sign>[0],
      claims: Record<string, unknown> = {},
    ) => {
      const payload = { ...jose.decodeJwt(answer.id_token as string), ...claims };
      const idToken = await new jose.SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', kid: idp.signingJwk.kid! })
        .sign(key);
      return { ...answer, id_token: idToken };
    };
    const attempt = async (): Promise<string> => {
      const browser = request.agent(caUrl);
      const callback = await idpLogin(await startSignIn(browser), 'alice');
      const res = await browser.get(pathOf(callback)).expect(401);
      await browser.get('/api/admin/v1/me').expect(401);
      return res.body.message as string;
    };
    try {
      idp.tamperToken = (answer) => resign(answer, forger, { groups: ['signet-admins'] });
      expect(await attempt()).toBe(
        'the ID token was refused: its signature does not verify with the IdP keys',
      );
      const idpKey = await jose.importJWK(idp.signingJwk, 'RS256');
      idp.tamperToken = (answer) => resign(answer, idpKey, { aud: idp.otherClientId });
      expect(await attempt()).toBe(
        'sign-in refused: ID token not intended for this relying party.',
      );
    } finally {
      idp.tamperToken = undefined;
    }
    expect(await signedInSessions()).toBe(sessions);
  });

  it('ends sessions idle past idleTimeout and those older than absoluteTimeout (401)', async () => {
    const idle = await signIn('alice');
    await db.query("UPDATE admin_session SET expire = now() - interval '1 second' WHERE sid = $1", [
      idle.sid,
    ]);
    const gone = await idle.browser.get('/api/admin/v1/me').expect(401);
    expect(gone.body.message).toBe('not signed in (no admin session or API token)');
    const old = await signIn('alice');
    const thirteenHoursAgo = Date.now() - 13 * 3600 * 1000;
    await db.query(
      "UPDATE admin_session SET sess = jsonb_set(sess, '{admin,createdAt}', to_jsonb($2::bigint)) WHERE sid = $1",
      [old.sid, thirteenHoursAgo],
    );
    const res = await old.browser.get('/api/admin/v1/me').expect(401);
    expect(res.body.message).toBe('the admin session has expired; sign in again');
    expect(await db.query('SELECT sid FROM admin_session WHERE sid = $1', [old.sid])).toEqual([]);
    await old.browser.get('/api/admin/v1/me').expect(401);
  });

  it('requires the CSRF token and a same-origin request for every state change (403)', async () => {
    const { browser, csrf } = await signIn('alice');
    const before = await tokenRows();
    const body = { name: 'ci', role: 'viewer', expiresIn: '1h' };
    const missing = await browser.post('/api/admin/v1/tokens').send(body).expect(403);
    expect(missing.body.message).toBe('missing CSRF token (x-csrf-token header or _csrf field)');
    await browser
      .post('/api/admin/v1/tokens')
      .set('x-csrf-token', 'x'.repeat(43))
      .send(body)
      .expect(403);
    const crossSite = await browser
      .post('/api/admin/v1/tokens')
      .set('x-csrf-token', csrf)
      .set('sec-fetch-site', 'cross-site')
      .send(body)
      .expect(403);
    expect(crossSite.body.message).toBe(
      'cross-origin request refused (Sec-Fetch-Site: cross-site)',
    );
    await browser
      .post('/api/admin/v1/tokens')
      .set('x-csrf-token', csrf)
      .set('origin', 'https://attacker.example')
      .send(body)
      .expect(403);
    await browser.post('/admin/logout').expect(403);
    expect(await tokenRows()).toEqual(before);
    await browser.get('/api/admin/v1/me').expect(200);
    await browser
      .post('/api/admin/v1/tokens')
      .set('x-csrf-token', csrf)
      .set('sec-fetch-site', 'same-origin')
      .send(body)
      .expect(201);
    await browser.post('/admin/logout').set('x-csrf-token', csrf).expect(204);
    await browser.get('/api/admin/v1/me').expect(401);
  });

  it('keeps a viewer from owner actions (403, audited, nothing changed)', async () => {
    const { browser, csrf } = await signIn('victor');
    const before = await tokenRows();
    const res = await browser
      .post('/api/admin/v1/tokens')
      .set('x-csrf-token', csrf)
      .send({ name: 'mine', role: 'viewer', expiresIn: '1h' })
      .expect(403);
    expect(res.body.message).toBe(
      'this action requires the owner role; victor@example.com is viewer',
    );
    await browser.get('/api/admin/v1/tokens').expect(403);
    await browser.get('/api/admin/v1/audit').expect(200);
    expect(await tokenRows()).toEqual(before);
    expect((await auditActions()).at(-1)).toMatchObject({ action: 'access.denied' });
  });

  it('creates an API token once, uses it as Bearer, revokes it; refuses bad ones (401)', async () => {
    const { browser, csrf } = await signIn('alice');
    const post = (body: object) =>
      browser.post('/api/admin/v1/tokens').set('x-csrf-token', csrf).send(body);
    expect(
      (await post({ name: 'x', role: 'owner', expiresIn: '31d' }).expect(400)).body.message,
    ).toMatch(/^expiresIn 31d exceeds admin.tokens.maxLifetime/);
    await post({ name: 'x', role: 'admin', expiresIn: '1h' }).expect(400);
    await post({ name: 'x', role: 'viewer' }).expect(400);
    const created = (
      await post({ name: 'deploy-bot', role: 'viewer', expiresIn: '1h' }).expect(201)
    ).body as { id: string; token: string };
    expect(created.token).toMatch(/^sgn_at_/);
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

    // Bearer: no CSRF needed, the session cookie ignored; role from the token.
    const me = await request(caUrl).get('/api/admin/v1/me').set(bearer(created.token)).expect(200);
    expect(me.body).toMatchObject({ kind: 'token', subject: 'alice', role: 'viewer' });
    await request(caUrl).get('/api/admin/v1/tokens').set(bearer(created.token)).expect(403);
    await request(caUrl).get('/api/admin/v1/audit').set(bearer(created.token)).expect(200);
    const list = await browser.get('/api/admin/v1/tokens').expect(200);
    const listed = (list.body.tokens as Array<Record<string, unknown>>).find(
      (t) => t.id === created.id,
    )!;
    expect(listed).toMatchObject({
      name: 'deploy-bot',
      role: 'viewer',
      last4: created.token.slice(-4),
    });
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(list.body)).not.toContain(created.token.slice(7, 20));
    // Uses are recorded at most once a minute per token.
    const uses = (await auditActions()).filter((a) => a.action === 'token.use');
    expect(uses).toHaveLength(1);

    await browser
      .delete(`/api/admin/v1/tokens/${created.id}`)
      .set('x-csrf-token', csrf)
      .expect(204);
    await browser
      .delete(`/api/admin/v1/tokens/${created.id}`)
      .set('x-csrf-token', csrf)
      .expect(409);
    await browser
      .delete(`/api/admin/v1/tokens/${randomUUID()}`)
      .set('x-csrf-token', csrf)
      .expect(404);
    const before = await tokenRows();
    const refused = async (token: string, message: string) => {
      // A valid session cookie alongside does not help: a Bearer request ignores it.
      const res = await browser.get('/api/admin/v1/me').set(bearer(token)).expect(401);
      expect(res.body.message).toBe(`API token refused: ${message}`);
    };
    await refused(created.token, 'revoked');
    const expired = newApiToken();
    await db.query(
      `INSERT INTO admin_api_token (id, name, role, token_sha256, last4, created_by_issuer, created_by_subject, created_by_display, expires_at)
       VALUES ($1, 'old', 'owner', $2, $3, 'i', 's', 'd', now() - interval '1 minute')`,
      [randomUUID(), expired.sha256, expired.last4],
    );
    await refused(expired.token, 'expired');
    const typo =
      created.token.slice(0, 10) +
      (created.token[10] === 'a' ? 'b' : 'a') +
      created.token.slice(11);
    await refused(typo, 'Signet API token checksum mismatch (mistyped or truncated)');
    await refused(newApiToken().token, 'unknown token');
    expect((await tokenRows()).length).toBe(before.length + 1);
  });

  it('rate-limits failed bearer authentication per client address (429 + Retry-After)', async () => {
    let last = 0;
    for (let i = 0; i < 25 && last !== 429; i++) {
      last = (
        await request(caUrl).get('/api/admin/v1/me').set('authorization', 'Bearer sgn_at_nope')
      ).status;
    }
    expect(last).toBe(429);
    const res = await request(caUrl)
      .get('/api/admin/v1/me')
      .set('authorization', 'Bearer sgn_at_x')
      .expect(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('lists the audit trail newest first, paginated, and its hash chain verifies', async () => {
    const { browser } = await signIn('victor');
    const first = await browser.get('/api/admin/v1/audit?action=session.login&limit=2').expect(200);
    expect(first.body.events).toHaveLength(2);
    const link = /^<([^>]+)>; rel="next"$/.exec(first.headers.link as string)![1]!;
    const second = await browser.get(link).expect(200);
    const ids = [...first.body.events, ...second.body.events].map((e: { id: string }) =>
      BigInt(e.id),
    );
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : 1)));
    expect(new Set(ids).size).toBe(ids.length);
    await browser.get('/api/admin/v1/audit?since=yesterday').expect(400);
    const rows = (
      await db.query<AdminAuditDbRow>(
        `SELECT ${ADMIN_AUDIT_COLUMNS} FROM admin_audit_event ORDER BY id`,
      )
    ).map(auditRowFromDb);
    expect(firstBrokenAuditRow(rows)).toBeUndefined();
    // No secret anywhere in the trail: not a token, not a code, not a CSRF token.
    const raw = JSON.stringify(await db.query('SELECT * FROM admin_audit_event'));
    expect(raw).not.toMatch(/sgn_at_[0-9A-Za-z]{20}/);
    expect(raw).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\./); // no JWT (ID token)
  });

  it('inserts tokens through the shared library as the CLI does', async () => {
    const t = newApiToken();
    await insertApiToken(
      { query: (sql, params) => db.query(sql, params) },
      {
        id: randomUUID(),
        name: 'break-glass',
        role: 'owner',
        sha256: t.sha256,
        last4: t.last4,
        createdBy: {
          issuer: 'urn:signet:cli',
          subject: 'root',
          display: 'root (signet admin token create)',
        },
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    );
    const me = await request(caUrl)
      .get('/api/admin/v1/me')
      .set('authorization', `Bearer ${t.token}`);
    expect(me.body).toMatchObject({ kind: 'token', role: 'owner', issuer: 'urn:signet:cli' });
  });

  it('keeps the policy read-only when SIGNET_CONFIG owns it (policy.source: file)', async () => {
    const t = newApiToken();
    await insertApiToken(
      { query: (sql, params) => db.query(sql, params) },
      {
        id: randomUUID(),
        name: 'editor',
        role: 'editor',
        sha256: t.sha256,
        last4: t.last4,
        createdBy: { issuer: 'urn:signet:cli', subject: 'root', display: 'root' },
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    );
    const bearer = { authorization: `Bearer ${t.token}` };
    const head = await request(caUrl).get('/api/admin/v1/policy').set(bearer).expect(200);
    expect(head.body).toMatchObject({ version: 1, source: 'file' });
    const refused = await request(caUrl)
      .post('/api/admin/v1/rules')
      .set(bearer)
      .set('if-match', '"v1"')
      .send({ reason: 'r', rule: { name: 'x', issuer: 'https://idp.example.com', subject: 'x' } })
      .expect(409);
    expect((refused.body as { message: string }).message).toMatch(
      /^the policy is managed by SIGNET_CONFIG \(policy.source: file\)/,
    );
    expect(await db.query('SELECT version FROM policy_version')).toEqual([{ version: '1' }]);
  });

  // Last: it spends this address's sign-in attempts for the rest of the minute.
  it('limits sign-in attempts per address (admin.session.signInsPerMinute), before the IdP is asked', async () => {
    let status = 0;
    let tries = 0;
    let res: request.Response | undefined;
    while (status !== 429 && tries < 200) {
      res = await request(caUrl).get('/admin/login');
      status = res.status;
      tries++;
    }
    expect(status).toBe(429);
    expect(tries).toBeLessThanOrEqual(81);
    expect(Number(res!.headers['retry-after'])).toBeGreaterThan(0);
    expect((res!.body as { message: string }).message).toBe(
      'too many sign-in attempts from this address',
    );
    await request(caUrl).get('/admin/auth/callback?code=x&state=y').expect(429);
  });
});
