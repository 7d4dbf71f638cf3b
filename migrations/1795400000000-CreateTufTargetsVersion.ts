import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Version numbers of the CA's TUF targets metadata (the repository sigstore-js fetches
 * `trusted_root.json` from). Shared by every CA process so that they agree on each version and
 * versions never go back. Append-only, like the CA's other records.
 */
export class CreateTufTargetsVersion1795400000000 implements MigrationInterface {
  name = 'CreateTufTargetsVersion1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "tuf_targets_version" ("version" integer NOT NULL, "trusted_root_sha256" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3a86983c0d3f51ac0f1d483b188" PRIMARY KEY ("version"))`,
    );
    await q.query(
      `ALTER TABLE "tuf_targets_version" ADD CONSTRAINT "CHK_tuf_targets_version_positive" CHECK ("version" >= 1)`,
    );
    await q.query(
      `CREATE TRIGGER "tuf_targets_version_append_only" BEFORE UPDATE OR DELETE ON "tuf_targets_version" FOR EACH ROW EXECUTE FUNCTION signet_reject_change()`,
    );
    await q.query(
      `CREATE TRIGGER "tuf_targets_version_no_truncate" BEFORE TRUNCATE ON "tuf_targets_version" FOR EACH STATEMENT EXECUTE FUNCTION signet_reject_change()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "tuf_targets_version"`);
  }
}
