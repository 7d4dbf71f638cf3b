import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Distrust of a CA certificate (security review M7): the log's write policy and CT refuse chains
 * through a certificate listed here. Append-only like `ca_certificate`; only the schema's owner
 * writes it (`signet ca distrust`), both apps read it.
 */
export class CreateCaCertificateDistrust1795480000000 implements MigrationInterface {
  name = 'CreateCaCertificateDistrust1795480000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "ca_certificate_distrust" ("fingerprint" text NOT NULL, "reason" text NOT NULL, "distrusted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_ca_certificate_distrust_fingerprint" CHECK ("fingerprint" ~ '^[0-9a-f]{64}$'), CONSTRAINT "PK_ca_certificate_distrust" PRIMARY KEY ("fingerprint"))`,
    );
    await q.query(
      `CREATE TRIGGER "ca_certificate_distrust_append_only" BEFORE UPDATE OR DELETE ON "ca_certificate_distrust" FOR EACH ROW EXECUTE FUNCTION signet_reject_change()`,
    );
    await q.query(
      `CREATE TRIGGER "ca_certificate_distrust_no_truncate" BEFORE TRUNCATE ON "ca_certificate_distrust" FOR EACH STATEMENT EXECUTE FUNCTION signet_reject_change()`,
    );
    await q.query('GRANT SELECT ON "ca_certificate_distrust" TO signet_ca, signet_log');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "ca_certificate_distrust"');
  }
}
