import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Global indices are numbered per tree purpose: the artifact trees (Rekor) and the certificate-
 * transparency trees each count from 0 and continue across their own key rotations. An entry
 * therefore records its tree's purpose, and the global index is unique per purpose. Existing
 * entries all belong to artifact trees (the CT tree did not exist before this migration).
 */
export class ScopeGlobalIndexByPurpose1795390000000 implements MigrationInterface {
  name = 'ScopeGlobalIndexByPurpose1795390000000';

  async up(q: QueryRunner): Promise<void> {
    // A constant default fills existing rows without rewriting them or firing the row triggers;
    // it is dropped at once so that every new entry states its purpose.
    await q.query(`ALTER TABLE "log_entry" ADD "purpose" text NOT NULL DEFAULT 'artifact'`);
    await q.query(`ALTER TABLE "log_entry" ALTER COLUMN "purpose" DROP DEFAULT`);
    await q.query(
      `ALTER TABLE "log_entry" ADD CONSTRAINT "CHK_log_entry_purpose" CHECK ("purpose" IN ('artifact', 'ct'))`,
    );
    await q.query(`DROP INDEX "UQ_log_entry_global_index"`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_log_entry_global_index" ON "log_entry" ("purpose", "global_index") `,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "UQ_log_entry_global_index"`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_log_entry_global_index" ON "log_entry" ("global_index") `,
    );
    await q.query(`ALTER TABLE "log_entry" DROP CONSTRAINT "CHK_log_entry_purpose"`);
    await q.query(`ALTER TABLE "log_entry" DROP COLUMN "purpose"`);
  }
}
