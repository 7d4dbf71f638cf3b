import type { MigrationInterface, QueryRunner } from 'typeorm';

const APPEND_ONLY = [
  `CREATE TRIGGER "search_index_append_only" BEFORE UPDATE OR DELETE ON "search_index" FOR EACH ROW EXECUTE FUNCTION signet_reject_change()`,
  `CREATE TRIGGER "search_index_no_truncate" BEFORE TRUNCATE ON "search_index" FOR EACH STATEMENT EXECUTE FUNCTION signet_reject_change()`,
];

/**
 * One search-index row per entry holding all its key digests, under a GIN index, instead of one
 * row per key under a B-tree primary key. A key digest then costs its bytes in the entry's array
 * and one GIN item (a key shared by many entries, such as a signer's e-mail address, is stored
 * once with a compressed list of rows) instead of a heap row and a B-tree tuple: 593 → 391 bytes
 * per entry with three keys, two of them unique. `fastupdate` is off so that no insert pays for
 * flushing a pending list. Rows are copied (the append-only triggers forbid rewriting them in
 * place) and the old table dropped; `down` copies them back.
 */
export class SearchIndexKeyArrays1795420000000 implements MigrationInterface {
  name = 'SearchIndexKeyArrays1795420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "search_index" RENAME TO "search_index_by_key"`);
    await q.query(
      `ALTER TABLE "search_index_by_key" RENAME CONSTRAINT "PK_search_index" TO "PK_search_index_by_key"`,
    );
    await q.query(
      `CREATE FUNCTION signet_are_sha256_digests(keys bytea[]) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT
       AS $$ SELECT bool_and(octet_length(k) = 32) FROM unnest(keys) AS k $$`,
    );
    await q.query(
      `CREATE TABLE "search_index" ("tree_id" bigint NOT NULL, "leaf_index" bigint NOT NULL, "key_sha256s" bytea array NOT NULL, CONSTRAINT "CHK_search_index_key_sha256s" CHECK (cardinality("key_sha256s") >= 1 AND signet_are_sha256_digests("key_sha256s")), CONSTRAINT "PK_search_index" PRIMARY KEY ("tree_id", "leaf_index"))`,
    );
    await q.query(
      `INSERT INTO "search_index" ("tree_id", "leaf_index", "key_sha256s")
       SELECT "tree_id", "leaf_index", array_agg("key_sha256" ORDER BY "key_sha256")
       FROM "search_index_by_key" GROUP BY "tree_id", "leaf_index"`,
    );
    await q.query(`DROP TABLE "search_index_by_key"`);
    await q.query(
      `CREATE INDEX "IDX_search_index_key_sha256s" ON "search_index" USING gin ("key_sha256s") WITH (fastupdate = off)`,
    );
    for (const sql of APPEND_ONLY) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "search_index" RENAME TO "search_index_arrays"`);
    await q.query(
      `ALTER TABLE "search_index_arrays" RENAME CONSTRAINT "PK_search_index" TO "PK_search_index_arrays"`,
    );
    await q.query(
      `CREATE TABLE "search_index" ("key_sha256" bytea NOT NULL, "tree_id" bigint NOT NULL, "leaf_index" bigint NOT NULL, CONSTRAINT "CHK_search_index_key_sha256" CHECK (octet_length("key_sha256") = 32), CONSTRAINT "PK_search_index" PRIMARY KEY ("key_sha256", "tree_id", "leaf_index"))`,
    );
    await q.query(
      `INSERT INTO "search_index" ("key_sha256", "tree_id", "leaf_index")
       SELECT DISTINCT k, "tree_id", "leaf_index" FROM "search_index_arrays", unnest("key_sha256s") AS k`,
    );
    await q.query(`DROP TABLE "search_index_arrays"`);
    await q.query('DROP FUNCTION signet_are_sha256_digests(bytea[])');
    for (const sql of APPEND_ONLY) await q.query(sql);
  }
}
