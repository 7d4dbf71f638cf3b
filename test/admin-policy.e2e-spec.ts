/* The policy as data (issue 17): rules and issuers changed through /api/admin/v1 by API tokens,
   each change a logged policy version that a second CA process (a real one, on the same database)
   applies on its next request; the dry run explains both decisions; bad changes change nothing. */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { freePort } from '@app/devkit';
import { insertApiToken, newApiToken } from '@app/schema';
import { clientKey, proofOf, signingCertRequest } from './support/ca-fixtures';
import { spawnBuilt, type Spawned, waitFor } from './support/processes';
import { startStack, type Stack } from './support/stack';

const RULES = [{ name: 'alice', issuer: '$EMAIL_ISSUER', subject: 'alice@example.com' }];

describe('admin policy API: rules as data, versions, dry run (issue 17)', () => {
  let stack: Stack;
  let second: Spawned;
  let secondUrl: string;
  const tokens: Record<'viewer' | 'editor' | 'owner', string> = {
    viewer: '',
    editor: '',
    owner: '',
  };

  const tokenFor = async (role: 'viewer' | 'editor' | 'owner') => {
    const t = newApiToken();
    await insertApiToken(
      { query: (sql, params) => stack.db.query(sql, params) },
      {
        id: randomUUID(),
        name: `e2e-${role}`,
        role,
        sha256: t.sha256,
        last4: t.last4,
        createdBy: { issuer: 'urn:signet:cli', subject: 'root', display: 'root' },
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    );
    return t.token;
  };
  const as = (role: 'viewer' | 'editor' | 'owner') => ({ authorization: `Bearer ${tokens[role]}` });
  const versions = async () =>
    (
      await stack.db.query<{ version: string }>(
        'SELECT version FROM policy_version ORDER BY version',
      )
    ).map((r) => Number(r.version));
  const bob = (url: string) => ({ url, token: () => bobToken() });
  const bobToken = () =>
    stack.fx.email.mint({ sub: 'user-2', email: 'bob@example.com', email_verified: true });
  const issue = async (caUrl: string, email: string, token: string, status: number) => {
    const key = clientKey();
    return request(caUrl)
      .post('/api/v2/signingCert')
      .send(signingCertRequest(token, key, proofOf(key, email)))
      .expect(status);
  };

  beforeAll(async () => {
    stack = await startStack(
      RULES,
      [],
      { CA_POLICY_LOG: 'true' },
      {
        config: { policy: { source: 'database' } },
      },
    );
    tokens.viewer = await tokenFor('viewer');
    tokens.editor = await tokenFor('editor');
    tokens.owner = await tokenFor('owner');
    const port = await freePort();
    secondUrl = `http://127.0.0.1:${port}`;
    second = spawnBuilt('apps/ca/src/main.js', {
      ...stack.fx.env,
      DATABASE_URL: await stack.db.appUrl('signet_ca'),
      CA_PORT: String(port),
      CA_PUBLIC_URL: secondUrl,
      LOG_LEVEL: 'warn',
    });
    await waitFor(`${secondUrl}/healthz`, 200, 30_000, second);
  }, 120_000);
  afterAll(async () => {
    second?.child.kill('SIGTERM');
    await second?.exited;
    await stack?.close();
  });

  it('serves the head with its ETag and log entry; reads need a viewer, writes an editor', async () => {
    const res = await request(stack.caUrl)
      .get('/api/admin/v1/policy')
      .set(as('viewer'))
      .expect(200);
    expect(res.headers.etag).toBe('"v1"');
    expect(res.body).toMatchObject({
      version: 1,
      source: 'database',
      log: { uuid: expect.any(String) as string, logIndex: 0 },
      rules: [{ name: 'alice', subject: 'alice@example.com' }],
    });
    await request(stack.caUrl).get('/api/admin/v1/policy').expect(401);
    const refused = await request(stack.caUrl)
      .post('/api/admin/v1/rules')
      .set(as('viewer'))
      .set('if-match', '"v1"')
      .send({
        reason: 'x',
        rule: { name: 'bob', issuer: stack.fx.email.url, subject: 'bob@example.com' },
      })
      .expect(403);
    expect((refused.body as { message: string }).message).toMatch(/requires the editor role/);
    expect(await versions()).toEqual([1]);
  });

  it('refuses bad changes with the field or check named, and changes nothing', async () => {
    const post = (body: object, ifMatch?: string) => {
      const r = request(stack.caUrl).post('/api/admin/v1/rules').set(as('editor'));
      return (ifMatch === undefined ? r : r.set('if-match', ifMatch)).send(body);
    };
    const rule = { name: 'bob', issuer: stack.fx.email.url, subject: 'bob@example.com' };
    const cases: Array<[string, ReturnType<typeof post>, number, RegExp | string]> = [
      ['no If-Match', post({ reason: 'r', rule }), 428, /^If-Match: required/],
      [
        'a stale If-Match',
        post({ reason: 'r', rule }, '"v7"'),
        412,
        'If-Match names version 7, but the policy is at version 1: read it again and reapply the change',
      ],
      ['no reason', post({ rule }, '"v1"'), 400, /^reason: required/],
      [
        'a regex that does not compile',
        post({ reason: 'r', rule: { ...rule, subject: '/(x/' } }, '"v1"'),
        400,
        /^rule\.subject \(rule "bob"\): /,
      ],
      [
        'an issuer no rule may name',
        post({ reason: 'r', rule: { ...rule, issuer: 'https://nowhere.example.com' } }, '"v1"'),
        400,
        'rules[1].issuer (rule "bob"): "https://nowhere.example.com" matches no configured issuer',
      ],
      [
        'a name in use',
        post({ reason: 'r', rule: { ...rule, name: 'alice' } }, '"v1"'),
        409,
        /^a rule named "alice" exists/,
      ],
    ];
    for (const [what, pending, status, message] of cases) {
      const res = await pending;
      expect({ what, status: res.status }).toEqual({ what, status });
      expect((res.body as { message: string }).message).toMatch(message);
    }
    const issuer = await request(stack.caUrl)
      .post('/api/admin/v1/issuers')
      .set(as('editor'))
      .set('if-match', '"v1"')
      .send({
        reason: 'r',
        issuer: {
          url: 'http://127.0.0.1:9/idp',
          audience: 'sigstore',
          type: 'email',
          allowHttp: true,
        },
      })
      .expect(400);
    expect((issuer.body as { message: string }).message).toMatch(
      /^issuer\.url: discovery of http:\/\/127\.0\.0\.1:9\/idp failed: /,
    );
    expect(await versions()).toEqual([1]);
    expect(await stack.db.query("SELECT name FROM iam_rule WHERE name = 'bob'")).toEqual([]);
  });

  it('a rule created through the API allows on the next request in another CA process; deleted, it denies; the dry run explains both', async () => {
    const url = secondUrl;
    await issue(url, 'bob@example.com', await bob(url).token(), 403);
    const denied = await request(url)
      .post('/api/admin/v1/evaluate')
      .set(as('viewer'))
      .send({ token: await bobToken() })
      .expect(200);
    expect(denied.body).toMatchObject({
      decision: 'denied',
      reason: 'NO_RULE',
      policyVersion: 1,
      trace: [
        {
          rule: 'alice',
          outcome: 'subject',
          message: 'identity does not match "alice@example.com"',
        },
      ],
    });

    const created = await request(stack.caUrl)
      .post('/api/admin/v1/rules')
      .set(as('editor'))
      .set('if-match', '"v1"')
      .send({
        reason: 'bob signs releases',
        rule: { name: 'bob', issuer: stack.fx.email.url, subject: 'bob@example.com' },
      })
      .expect(201);
    expect(created.headers.etag).toBe('"v2"');
    const started = Date.now();
    // The second process polls the head; it must agree within a second.
    let allowed: request.Response | undefined;
    while (Date.now() - started < 1_000) {
      const res = await issue(url, 'bob@example.com', await bobToken(), 201).catch(() => undefined);
      if (res !== undefined) {
        allowed = res;
        break;
      }
    }
    expect(allowed?.status).toBe(201);
    const explained = await request(url)
      .post('/api/admin/v1/evaluate')
      .set(as('viewer'))
      .send({ token: await bobToken() })
      .expect(200);
    expect(explained.body).toMatchObject({
      decision: 'allowed',
      rule: { name: 'bob', position: 1 },
      policyVersion: 2,
      certificate: {
        identity: 'bob@example.com',
        lifetimeSeconds: 600,
        extensions: { '1.3.6.1.4.1.57264.1.8': stack.fx.email.url },
      },
      trace: [
        { rule: 'alice', outcome: 'subject' },
        { rule: 'bob', outcome: 'allowed' },
      ],
    });
    const [issued] = await stack.db.query<{ policy_version: string; rule_name: string }>(
      "SELECT policy_version, rule_name FROM issuance WHERE identity = 'bob@example.com'",
    );
    expect(issued).toEqual({ policy_version: '2', rule_name: 'bob' });

    await request(stack.caUrl)
      .delete('/api/admin/v1/rules/bob')
      .set(as('editor'))
      .set('if-match', '"v2"')
      .send({ reason: 'bob left' })
      .expect(200);
    await new Promise((r) => setTimeout(r, 1_000));
    await issue(url, 'bob@example.com', await bobToken(), 403);
    const claims = await request(url)
      .post('/api/admin/v1/evaluate')
      .set(as('viewer'))
      .send({ issuer: stack.fx.email.url, claims: { sub: 'user-2', email: 'bob@example.com' } })
      .expect(200);
    expect(claims.body).toMatchObject({ decision: 'denied', reason: 'NO_RULE', policyVersion: 3 });
    // The history names who changed what, and each version is in the log.
    const history = await request(stack.caUrl)
      .get('/api/admin/v1/policy/versions')
      .set(as('viewer'))
      .expect(200);
    expect(history.body).toMatchObject({
      versions: [
        { version: 3, reason: 'bob left', actor: { kind: 'token' }, log: { logIndex: 2 } },
        { version: 2, reason: 'bob signs releases', log: { logIndex: 1 } },
        { version: 1, actor: { kind: 'file' }, log: { logIndex: 0 } },
      ],
    });
    const audit = await stack.db.query<{ action: string; target: string }>(
      "SELECT action, target FROM admin_audit_event WHERE action = 'policy.change' ORDER BY id",
    );
    expect(audit).toEqual([
      { action: 'policy.change', target: 'rule.create bob' },
      { action: 'policy.change', target: 'rule.delete bob' },
    ]);
  });

  it('lists issuances by identity, rule and version, each linked to its CT entry', async () => {
    const res = await request(stack.caUrl)
      .get('/api/admin/v1/issuances')
      .query({ identity: 'bob@example.com', policyVersion: '2' })
      .set(as('viewer'))
      .expect(200);
    const rows = (res.body as { issuances: Array<{ ctEntry: string; rule: { name: string } }> })
      .issuances;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]!.rule.name).toBe('bob');
    const sth = await request(stack.logUrl).get('/ct/v1/get-sth').expect(200);
    await request(stack.logUrl)
      .get(`${rows[0]!.ctEntry}&tree_size=${(sth.body as { tree_size: number }).tree_size}`)
      .expect(200);
    const bad = await request(stack.caUrl)
      .get('/api/admin/v1/issuances')
      .query({ since: 'yesterday' })
      .set(as('viewer'))
      .expect(400);
    expect((bad.body as { message: string }).message).toBe(
      'since: must be an RFC 3339 time such as 2026-12-01T00:00:00Z',
    );
  });

  it('retires a CA certificate (owner only, never the chain in use), with its audit row', async () => {
    const listed = await request(stack.caUrl)
      .get('/api/admin/v1/ca-certificates')
      .set(as('viewer'))
      .expect(200);
    const certificates = (
      listed.body as { certificates: Array<{ fingerprint: string; current: boolean }> }
    ).certificates;
    const current = certificates.find((c) => c.current)!;
    // A CA certificate of an earlier chain, recorded as the CA records its own (not in use).
    const [other] = await stack.db.query<{ fingerprint: string }>(
      `INSERT INTO ca_certificate (fingerprint, der, is_root, not_before, not_after)
       SELECT $1, der, is_root, not_before, not_after FROM ca_certificate WHERE fingerprint = $2
       RETURNING fingerprint`,
      ['ab'.repeat(32), current.fingerprint],
    );
    const distrust = (fingerprint: string, role: 'editor' | 'owner', body: object) =>
      request(stack.caUrl)
        .post(`/api/admin/v1/ca-certificates/${fingerprint}/distrust`)
        .set(as(role))
        .send(body);
    const count = async () =>
      (await stack.db.query('SELECT * FROM ca_certificate_distrust')).length;
    expect((await distrust(other!.fingerprint, 'editor', { reason: 'old' })).status).toBe(403);
    const inUse = await distrust(current.fingerprint, 'owner', { reason: 'oops' });
    expect(inUse.status).toBe(409);
    expect((inUse.body as { message: string }).message).toMatch(
      /is in the chain this CA issues under: configure the new CA_KEY and CA_CHAIN first/,
    );
    expect((await distrust(other!.fingerprint, 'owner', {})).status).toBe(400);
    expect((await distrust('cd'.repeat(32), 'owner', { reason: 'x' })).status).toBe(404);
    expect(await count()).toBe(0);

    const done = await distrust(other!.fingerprint, 'owner', { reason: 'retired chain' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      fingerprint: other!.fingerprint,
      current: false,
      distrust: { reason: 'retired chain' },
    });
    expect((await distrust(other!.fingerprint, 'owner', { reason: 'again' })).status).toBe(409);
    expect(await count()).toBe(1);
    const audit = await stack.db.query<{ action: string; target: string }>(
      "SELECT action, target FROM admin_audit_event WHERE action = 'ca.distrust'",
    );
    expect(audit).toEqual([{ action: 'ca.distrust', target: other!.fingerprint }]);
  });

  it('bounds dry runs per admin (120 a minute), each token on its own count', async () => {
    const mine = await tokenFor('viewer');
    const run = (token: string) =>
      request(stack.caUrl)
        .post('/api/admin/v1/evaluate')
        .set({ authorization: `Bearer ${token}` })
        .send({ issuer: stack.fx.email.url, claims: { sub: 'u', email: 'x@example.com' } });
    let tries = 0;
    let res = await run(mine);
    while (res.status === 200 && tries < 200) {
      tries++;
      res = await run(mine);
    }
    expect(res.status).toBe(429);
    expect(tries).toBe(120);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await run(tokens.viewer).expect(200);
  });

  it('answers the console refusals as pages with the status and message of the API', async () => {
    const page = (path: string, role: 'viewer' | 'editor' = 'viewer') =>
      request(stack.caUrl).get(path).set(as(role)).set('accept', 'text/html');
    const missing = await page('/admin/rules/nope', 'editor').expect(404);
    expect(missing.headers['content-type']).toMatch(/^text\/html/);
    expect(missing.headers['content-security-policy']).toContain("script-src 'self'");
    expect(missing.text).toContain('no rule named &quot;nope&quot;');
    const forbidden = await page('/admin/new-rule').expect(403);
    expect(forbidden.text).toMatch(/this action requires the editor role/);
    // Without any credential, a page still sends the browser to the sign-in.
    const anonymous = await request(stack.caUrl)
      .get('/admin/rules')
      .set('accept', 'text/html')
      .expect(302);
    expect(anonymous.headers.location).toBe('/admin/login');
  });
});
