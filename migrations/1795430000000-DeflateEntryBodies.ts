import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `log_entry.body_deflated`: the body is stored as raw DEFLATE (RFC 1951) when that is smaller.
 * Canonical bodies of 1–2 KB (a hashedrekord with its certificate) are below the size at which
 * Postgres compresses a row itself, so they were stored as is, four to an 8 KB page; deflated they
 * take about a quarter less and six fit. Rows already stored keep their raw bodies (`false`).
 */
export class DeflateEntryBodies1795430000000 implements MigrationInterface {
  name = 'DeflateEntryBodies1795430000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "log_entry" ADD COLUMN "body_deflated" boolean NOT NULL DEFAULT false`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // Inflating stored bodies would rewrite rows, which the append-only triggers forbid.
    const rows = (await q.query(
      'SELECT EXISTS (SELECT 1 FROM "log_entry" WHERE "body_deflated") AS deflated',
    )) as Array<{ deflated: boolean }>;
    if (rows[0]?.deflated) {
      throw new Error(
        'DeflateEntryBodies cannot be reverted: some entries are stored deflated, and log_entry is append-only',
      );
    }
    await q.query(`ALTER TABLE "log_entry" DROP COLUMN "body_deflated"`);
  }
}
