import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search keys are stored as the SHA-256 of their text (32 bytes) instead of the text itself
 * (`sha256:<64 hex>`, `key:<64 hex>`, an e-mail address or URI: 40–120 bytes). Each entry has about
 * three keys, each stored twice (heap and primary-key index), so this is the bulk of the index's
 * size. Lookups hash the key they are given the same way, in SQL. Existing rows are copied into a
 * new table (the append-only triggers forbid rewriting them in place) and the old table dropped.
 */
export class HashSearchIndexKeys1795410000000 implements MigrationInterface {
  name = 'HashSearchIndexKeys1795410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "search_index" RENAME TO "search_index_text"`);
    await q.query(
      `CREATE TABLE "search_index" ("key_sha256" bytea NOT NULL, "tree_id" bigint NOT NULL, "leaf_index" bigint NOT NULL, CONSTRAINT "CHK_search_index_key_sha256" CHECK (octet_length("key_sha256") = 32), CONSTRAINT "PK_search_index" PRIMARY KEY ("key_sha256", "tree_id", "leaf_index"))`,
    );
    await q.query(
      `INSERT INTO "search_index" ("key_sha256", "tree_id", "leaf_index")
       SELECT sha256(convert_to("key", 'UTF8')), "tree_id", "leaf_index" FROM "search_index_text"`,
    );
    await q.query(`DROP TABLE "search_index_text"`);
    await q.query(
      `CREATE TRIGGER "search_index_append_only" BEFORE UPDATE OR DELETE ON "search_index" FOR EACH ROW EXECUTE FUNCTION signet_reject_change()`,
    );
    await q.query(
      `CREATE TRIGGER "search_index_no_truncate" BEFORE TRUNCATE ON "search_index" FOR EACH STATEMENT EXECUTE FUNCTION signet_reject_change()`,
    );
  }

  down(): Promise<void> {
    // The key texts are gone; a downgrade would have to re-derive them from every entry's body.
    return Promise.reject(
      new Error('HashSearchIndexKeys cannot be reverted: the search key texts are not stored'),
    );
  }
}
