import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Rekor v2 log (issue 16): a tree purpose `rekor-v2` beside `artifact` (Rekor v1) and `ct`.
 * Each v2 tree is a shard with its own key and checkpoint origin (the hostname of its URL).
 */
export class AddRekorV2Purpose1795490000000 implements MigrationInterface {
  name = 'AddRekorV2Purpose1795490000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['log_tree', 'log_entry']) {
      await q.query(`ALTER TABLE "${table}" DROP CONSTRAINT "CHK_${table}_purpose"`);
      await q.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "CHK_${table}_purpose" CHECK ("purpose" IN ('artifact', 'ct', 'rekor-v2'))`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['log_tree', 'log_entry']) {
      await q.query(`ALTER TABLE "${table}" DROP CONSTRAINT "CHK_${table}_purpose"`);
      await q.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "CHK_${table}_purpose" CHECK ("purpose" IN ('artifact', 'ct'))`,
      );
    }
  }
}
