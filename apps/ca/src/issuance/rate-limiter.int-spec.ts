import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/platform';
import { caEntities } from '@app/schema';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import { RateLimitRepository } from './rate-limit.repository';
import { RateLimiter } from './rate-limiter';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);

/** L8: CA processes count requests together, so N processes do not allow N times the limit. */
describe(RateLimiter.name, () => {
  let db: TestDatabase;
  const sources: DataSource[] = [];

  /** A CA process's limiter: its own connection pool on the shared database. */
  async function processLimiter(limit: number): Promise<RateLimiter> {
    const ds = await new DataSource(
      dataSourceOptions({
        url: await db.appUrl('signet_ca'),
        applicationName: 'signet-test-rate-limit',
        entities: caEntities,
        migrations: [],
      }),
    ).initialize();
    sources.push(ds);
    return new RateLimiter(new RateLimitRepository(ds), limit);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const ds of sources) await ds.destroy();
    await db.drop();
  });

  it('enforces one limit across processes, and says when the next window opens', async () => {
    const [a, b] = [await processLimiter(3), await processLimiter(3)];
    expect(await a.take('identity alice', T0 + 1_000)).toBe(0);
    expect(await b.take('identity alice', T0 + 2_000)).toBe(0);
    expect(await a.take('identity alice', T0 + 3_000)).toBe(0);
    // The fourth in this minute, whichever process sees it: 57 s until the next window.
    expect(await b.take('identity alice', T0 + 3_000)).toBe(57);
    expect(await a.take('identity alice', T0 + 59_500)).toBe(1);
    // Another key has its own count; the next minute starts afresh.
    expect(await b.take('identity bob', T0 + 4_000)).toBe(0);
    expect(await a.take('identity alice', T0 + MINUTE)).toBe(0);
  });

  it('keeps no key in the clear, and forgets windows once they can no longer matter', async () => {
    const rows = await db.query<{ key_sha256: Buffer }>('SELECT key_sha256 FROM rate_limit_window');
    expect(rows.every((r) => r.key_sha256.length === 32)).toBe(true);
    const limiter = await processLimiter(3);
    await limiter.take('identity carol', T0 + 3 * MINUTE);
    const windows = await db.query<{ window_start: Date }>(
      'SELECT DISTINCT window_start FROM rate_limit_window ORDER BY 1',
    );
    expect(windows.map((w) => w.window_start.getTime())).toEqual([T0 + 3 * MINUTE]);
  });
});
