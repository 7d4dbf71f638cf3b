import { createHash } from 'node:crypto';
import {
  type MigrationHarness,
  openMigrationHarness,
  type TestDatabase,
} from '@app/testing/database';
import { SearchIndexKeyArrays1795420000000 } from './1795420000000-SearchIndexKeyArrays';

const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest();

describe(SearchIndexKeyArrays1795420000000.name, () => {
  let harness: MigrationHarness;
  let db: TestDatabase;
  const migration = new SearchIndexKeyArrays1795420000000();
  const run = (step: 'up' | 'down') => harness.run(migration, step);

  beforeEach(async () => {
    harness = await openMigrationHarness();
    db = harness.db;
  });
  afterEach(() => harness.close());

  it('gathers the key digests of each entry into one row, and back', async () => {
    // The table as the previous migration left it: one row per key.
    await run('down');
    const keys: Array<[string, number]> = [
      ['sha256:' + 'ab'.repeat(32), 0],
      ['email:alice@example.com', 0],
      ['key:' + 'cd'.repeat(32), 0],
      ['email:alice@example.com', 1],
    ];
    for (const [key, leaf] of keys) {
      await db.query(
        'INSERT INTO search_index (key_sha256, tree_id, leaf_index) VALUES ($1, 1, $2)',
        [digest(key), leaf],
      );
    }

    await run('up');
    const rows = await db.query<{ leaf_index: string; key_sha256s: Buffer[] }>(
      'SELECT leaf_index, key_sha256s FROM search_index ORDER BY leaf_index',
    );
    const hex = (keysOf: string[]) => keysOf.map((k) => digest(k).toString('hex')).sort();
    expect(rows.map((r) => [r.leaf_index, r.key_sha256s.map((k) => k.toString('hex'))])).toEqual([
      ['0', hex(keys.filter(([, l]) => l === 0).map(([k]) => k))],
      ['1', hex(['email:alice@example.com'])],
    ]);
    const shared = await db.query<{ leaf_index: string }>(
      `SELECT leaf_index FROM search_index WHERE key_sha256s @> ARRAY[$1::bytea] ORDER BY leaf_index`,
      [digest('email:alice@example.com')],
    );
    expect(shared.map((r) => r.leaf_index)).toEqual(['0', '1']);
    expect(await db.query("SELECT to_regclass('search_index_by_key') AS t")).toEqual([{ t: null }]);

    await run('down');
    const back = await db.query<{ n: string }>('SELECT count(*) AS n FROM search_index');
    expect(back).toEqual([{ n: '4' }]);
    await run('up');
    expect(await db.query('SELECT count(*)::int AS n FROM search_index')).toEqual([{ n: 2 }]);
  });

  it('keeps the table append-only and its arrays non-empty lists of SHA-256 digests', async () => {
    await db.query('INSERT INTO search_index VALUES (1, 0, ARRAY[$1::bytea])', [digest('k')]);
    await expect(db.query('DELETE FROM search_index')).rejects.toThrow(
      /DELETE on search_index is not allowed/,
    );
    await expect(
      db.query('UPDATE search_index SET key_sha256s = key_sha256s || key_sha256s'),
    ).rejects.toThrow(/UPDATE on search_index is not allowed/);
    await expect(db.query('TRUNCATE search_index')).rejects.toThrow(/TRUNCATE on search_index/);
    await expect(
      db.query("INSERT INTO search_index VALUES (1, 1, ARRAY[$1::bytea, '\\x00'])", [digest('k')]),
    ).rejects.toThrow(/CHK_search_index_key_sha256s/);
    await expect(db.query("INSERT INTO search_index VALUES (1, 2, '{}')")).rejects.toThrow(
      /CHK_search_index_key_sha256s/,
    );
    expect(await db.query('SELECT count(*)::int AS n FROM search_index')).toEqual([{ n: 1 }]);
  });
});
