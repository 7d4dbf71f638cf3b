import { createHash } from 'node:crypto';
import {
  type MigrationHarness,
  openMigrationHarness,
  type TestDatabase,
} from '@app/testing/database';
import { HashSearchIndexKeys1795410000000 } from './1795410000000-HashSearchIndexKeys';

describe(HashSearchIndexKeys1795410000000.name, () => {
  let harness: MigrationHarness;
  let db: TestDatabase;

  beforeEach(async () => {
    harness = await openMigrationHarness();
    db = harness.db;
    // The table as the migrations before this one left it, holding keys as text.
    await db.query('DROP TABLE search_index');
    await db.query(
      `CREATE TABLE "search_index" ("key" text NOT NULL, "tree_id" bigint NOT NULL, "leaf_index" bigint NOT NULL, CONSTRAINT "PK_0dabefe4a226e5729fd1ea96c64" PRIMARY KEY ("key", "tree_id", "leaf_index"))`,
    );
    await db.query(
      `CREATE TRIGGER "search_index_append_only" BEFORE UPDATE OR DELETE ON "search_index" FOR EACH ROW EXECUTE FUNCTION signet_reject_change()`,
    );
  });
  afterEach(() => harness.close());

  it('replaces every stored key by the SHA-256 of its UTF-8 text and keeps the table append-only', async () => {
    const keys = ['sha256:' + 'ab'.repeat(32), 'alice@example.com', 'https://ci.example/ñ'];
    for (const [i, key] of keys.entries()) {
      await db.query('INSERT INTO search_index (key, tree_id, leaf_index) VALUES ($1, 1, $2)', [
        key,
        i,
      ]);
    }
    await harness.run(new HashSearchIndexKeys1795410000000(), 'up');
    const rows = await db.query<{ key_sha256: Buffer; leaf_index: string }>(
      'SELECT key_sha256, leaf_index FROM search_index ORDER BY leaf_index',
    );
    expect(rows.map((r) => r.key_sha256.toString('hex'))).toEqual(
      keys.map((k) => createHash('sha256').update(k, 'utf8').digest('hex')),
    );
    expect(await db.query("SELECT to_regclass('search_index_text') AS t")).toEqual([{ t: null }]);
    await expect(db.query('DELETE FROM search_index')).rejects.toThrow(
      /DELETE on search_index is not allowed/,
    );
    await expect(db.query('TRUNCATE search_index')).rejects.toThrow(/TRUNCATE on search_index/);
    await expect(db.query("INSERT INTO search_index VALUES ('\\x00', 1, 9)")).rejects.toThrow(
      /CHK_search_index_key_sha256/,
    );
  });
});
