import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The certificate authority's records: every issuance (with the rule that allowed it), the CA
 * certificates of the instance (which the log trusts), and the IAM rules synced from config.
 * Issuances and CA certificates are append-only; rules are deactivated, never deleted.
 */
export class CreateCertificateAuthority1795380000000 implements MigrationInterface {
  name = 'CreateCertificateAuthority1795380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "issuance" ("serial" text NOT NULL, "identity" text NOT NULL, "san_type" text NOT NULL, "issuer" text NOT NULL, "subject" text NOT NULL, "rule_id" uuid NOT NULL, "rule_name" text NOT NULL, "key_fingerprint" text NOT NULL, "key_algorithm" text NOT NULL, "not_before" TIMESTAMP WITH TIME ZONE NOT NULL, "not_after" TIMESTAMP WITH TIME ZONE NOT NULL, "client_address" text, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e9543fdf78254022fd4cf715b18" PRIMARY KEY ("serial"))`,
    );
    await q.query(`CREATE INDEX "IDX_issuance_identity" ON "issuance" ("identity") `);
    await q.query(
      `CREATE TABLE "ca_certificate" ("fingerprint" text NOT NULL, "der" bytea NOT NULL, "is_root" boolean NOT NULL, "not_before" TIMESTAMP WITH TIME ZONE NOT NULL, "not_after" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_75d5ecd8c8eb7f1a4f29c379b5b" PRIMARY KEY ("fingerprint"))`,
    );
    await q.query(
      `CREATE TABLE "iam_rule" ("id" uuid NOT NULL, "name" text NOT NULL, "position" integer NOT NULL, "issuer" text NOT NULL, "subject" text NOT NULL, "claims" jsonb NOT NULL, "certificate_lifetime_seconds" integer, "allowed_key_algorithms" text array, "active" boolean NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_831e018fa0d0daa67776b4f0070" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "UQ_iam_rule_name" ON "iam_rule" ("name") `);
    for (const table of ['issuance', 'ca_certificate']) {
      await q.query(
        `CREATE TRIGGER "${table}_append_only" BEFORE UPDATE OR DELETE ON "${table}" FOR EACH ROW EXECUTE FUNCTION signet_reject_change()`,
      );
      await q.query(
        `CREATE TRIGGER "${table}_no_truncate" BEFORE TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION signet_reject_change()`,
      );
    }
    // Issuance records point at rules: a rule may change or be deactivated, never disappear.
    await q.query(
      `CREATE TRIGGER "iam_rule_no_delete" BEFORE DELETE ON "iam_rule" FOR EACH ROW EXECUTE FUNCTION signet_reject_change()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['iam_rule', 'ca_certificate', 'issuance'])
      await q.query(`DROP TABLE "${table}"`);
  }
}
