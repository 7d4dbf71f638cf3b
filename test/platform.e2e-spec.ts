import type { DynamicModule } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { CaModule } from '../apps/ca/src/app.module';
import { TransparencyLogModule } from '../apps/transparency-log/src/app.module';
import { bootApp, testConfig } from './support/apps';
import { createTestDatabase, type TestDatabase } from './support/database';
import { HealthRegistry, type SignetConfig } from '@app/platform';

const apps: Array<[string, (c: SignetConfig) => DynamicModule]> = [
  ['ca', (c) => CaModule.forRoot(c)],
  ['transparency-log', (c) => TransparencyLogModule.forRoot(c)],
];

describe.each(apps)('%s platform endpoints', (name, moduleFor) => {
  let db: TestDatabase;
  let app: NestExpressApplication;

  beforeEach(async () => {
    db = await createTestDatabase();
    app = await bootApp(moduleFor(testConfig(db.url)));
  });
  afterEach(async () => {
    await app.close();
    await db.drop();
  });

  it('GET /healthz answers 200 {"status":"ok"} when the database answers', async () => {
    const res = await request(app.getHttpServer()).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('sends headers that keep browsers from sniffing or framing any answer, errors included (L10)', async () => {
    for (const path of ['/healthz', '/no/such/route']) {
      const res = await request(app.getHttpServer()).get(path);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('GET /metrics answers only direct loopback requests: 404 through a proxy (L6)', async () => {
    const res = await request(app.getHttpServer())
      .get('/metrics')
      .set('X-Forwarded-For', '203.0.113.9');
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('http_requests_total');
  });

  it("GET /healthz adds the app's own checks: warnings shown, failures a 503 (L4, L5d)", async () => {
    const registry = app.get(HealthRegistry);
    registry.register(() => ({
      warning: 'TUF root version 1 expires at 2026-12-12T00:00:00.000Z',
    }));
    const warned = await request(app.getHttpServer()).get('/healthz');
    expect(warned.status).toBe(200);
    expect(warned.body).toEqual({
      status: 'ok',
      warnings: ['TUF root version 1 expires at 2026-12-12T00:00:00.000Z'],
    });
    registry.register(() => ({
      failure: 'CA certificate CN=x expired at 2026-12-01T00:00:00.000Z',
    }));
    const failed = await request(app.getHttpServer()).get('/healthz');
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({
      status: 'unavailable',
      reason: 'CA certificate CN=x expired at 2026-12-01T00:00:00.000Z',
    });
  });

  it('GET /healthz answers 503 when the database is gone, without its error text', async () => {
    await db.drop();
    const res = await request(app.getHttpServer()).get('/healthz');
    expect(res.status).toBe(503);
    // The database's own error names the database and the server (L6): it goes to the log only.
    expect(res.body).toEqual({ status: 'unavailable', reason: 'database unavailable' });
    expect(res.text).not.toContain(db.name);
  });

  it('gives every request an id, echoed in X-Request-Id; keeps a well-formed incoming one', async () => {
    const a = await request(app.getHttpServer()).get('/healthz');
    const b = await request(app.getHttpServer()).get('/healthz');
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers['x-request-id']).not.toBe(a.headers['x-request-id']);
    const mine = await request(app.getHttpServer())
      .get('/healthz')
      .set('X-Request-Id', 'ci-run-42.step:7');
    expect(mine.headers['x-request-id']).toBe('ci-run-42.step:7');
    const hostile = await request(app.getHttpServer())
      .get('/healthz')
      .set('X-Request-Id', 'a b;c'.repeat(40));
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('GET /metrics exposes request counts and latency by route and status, and process metrics', async () => {
    await request(app.getHttpServer()).get('/healthz');
    await request(app.getHttpServer()).get('/no/such/route/123');
    const res = await request(app.getHttpServer()).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain(
      `http_requests_total{method="GET",route="/healthz",status="200",app="${name}"} 1`,
    );
    expect(res.text).toContain(
      `http_requests_total{method="GET",route="unmatched",status="404",app="${name}"} 1`,
    );
    expect(res.text).toContain(
      `http_request_duration_seconds_count{app="${name}",method="GET",route="/healthz",status="200"} 1`,
    );
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).not.toContain('/no/such/route/123');
  });
});
