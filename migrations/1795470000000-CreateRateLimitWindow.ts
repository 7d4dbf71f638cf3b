import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate limits shared by every CA process (security review L8): one row per key and minute.
 * UNLOGGED (no WAL: counts are cheap to lose and written on every request); the CA's role may
 * also delete, to prune windows that have passed.
 */
export class CreateRateLimitWindow1795470000000 implements MigrationInterface {
  name = 'CreateRateLimitWindow1795470000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE UNLOGGED TABLE "rate_limit_window" ("key_sha256" bytea NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "count" integer NOT NULL, CONSTRAINT "PK_rate_limit_window" PRIMARY KEY ("key_sha256", "window_start"))`,
    );
    await q.query('GRANT SELECT, INSERT, UPDATE, DELETE ON "rate_limit_window" TO signet_ca');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "rate_limit_window"');
  }
}
