import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Policy versions (issue 17): every change of the CA's IAM rules and OIDC issuers is a numbered,
 * append-only version whose snapshot (JCS bytes) is logged in the transparency log before it takes
 * effect. `policy_head` names the version in force; it only ever advances by one, to a version
 * whose `previous_digest` is the head's digest, so the chain of digests cannot be forked or
 * rewound by the app's role. Issuances name the version they were issued under, and the CT leaf
 * hash of their precertificate (the link to their CT entry).
 */
export class CreatePolicyVersions1795500000000 implements MigrationInterface {
  name = 'CreatePolicyVersions1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "policy_version" ("version" bigint NOT NULL, "digest" bytea NOT NULL, "previous_digest" bytea, "snapshot" bytea NOT NULL, "signature" bytea NOT NULL, "actor_kind" text NOT NULL, "actor_issuer" text, "actor_subject" text, "actor_display" text, "token_id" uuid, "reason" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "log_uuid" text, "log_index" bigint, "log_integrated_time" bigint, CONSTRAINT "PK_policy_version" PRIMARY KEY ("version"), CONSTRAINT "UQ_policy_version_digest" UNIQUE ("digest"), CONSTRAINT "CHK_policy_version_version" CHECK ("version" >= 1), CONSTRAINT "CHK_policy_version_digest" CHECK (octet_length("digest") = 32), CONSTRAINT "CHK_policy_version_previous" CHECK (("version" = 1) = ("previous_digest" IS NULL)), CONSTRAINT "CHK_policy_version_actor_kind" CHECK ("actor_kind" IN ('session', 'token', 'file')), CONSTRAINT "CHK_policy_version_log" CHECK (("log_uuid" IS NULL) = ("log_index" IS NULL) AND ("log_index" IS NULL) = ("log_integrated_time" IS NULL)))`,
    );
    // A version continues the chain: version N > 1 names version N-1's digest.
    await q.query(`CREATE FUNCTION signet_policy_version_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.version > 1 AND NOT EXISTS (
          SELECT 1 FROM policy_version WHERE version = NEW.version - 1 AND digest = NEW.previous_digest
        ) THEN
          RAISE EXCEPTION 'policy_version %: previous_digest is not the digest of version %', NEW.version, NEW.version - 1
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER "policy_version_chain" BEFORE INSERT ON "policy_version" FOR EACH ROW EXECUTE FUNCTION signet_policy_version_chain()`,
    );
    await q.query(
      `CREATE TRIGGER "policy_version_append_only" BEFORE UPDATE OR DELETE ON "policy_version" FOR EACH ROW EXECUTE FUNCTION signet_reject_change()`,
    );
    await q.query(
      `CREATE TRIGGER "policy_version_no_truncate" BEFORE TRUNCATE ON "policy_version" FOR EACH STATEMENT EXECUTE FUNCTION signet_reject_change()`,
    );

    await q.query(
      `CREATE TABLE "policy_head" ("id" smallint NOT NULL, "version" bigint NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_policy_head" PRIMARY KEY ("id"), CONSTRAINT "CHK_policy_head_singleton" CHECK ("id" = 1), CONSTRAINT "FK_policy_head_version" FOREIGN KEY ("version") REFERENCES "policy_version"("version"))`,
    );
    // The head starts at version 1 and moves forward one version at a time, never back.
    await q.query(`CREATE FUNCTION signet_policy_head_advance() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' AND NEW.version <> 1 THEN
          RAISE EXCEPTION 'policy_head starts at version 1' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.version <> OLD.version + 1 THEN
          RAISE EXCEPTION 'policy_head may only advance from version % to %', OLD.version, OLD.version + 1
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'policy_head cannot be deleted' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER "policy_head_advance" BEFORE INSERT OR UPDATE OR DELETE ON "policy_head" FOR EACH ROW EXECUTE FUNCTION signet_policy_head_advance()`,
    );
    await q.query(
      `CREATE TRIGGER "policy_head_no_truncate" BEFORE TRUNCATE ON "policy_head" FOR EACH STATEMENT EXECUTE FUNCTION signet_reject_change()`,
    );

    // Nullable with no default: rows issued before versioning keep NULL; nothing is rewritten.
    await q.query(
      `ALTER TABLE "issuance" ADD "policy_version" bigint, ADD "ct_leaf_hash" bytea, ADD CONSTRAINT "FK_issuance_policy_version" FOREIGN KEY ("policy_version") REFERENCES "policy_version"("version"), ADD CONSTRAINT "CHK_issuance_ct_leaf_hash" CHECK ("ct_leaf_hash" IS NULL OR octet_length("ct_leaf_hash") = 32)`,
    );
    await q.query(
      `CREATE INDEX "IDX_issuance_policy_version" ON "issuance" ("policy_version", "issued_at")`,
    );
    await q.query(`CREATE INDEX "IDX_issuance_issued_at" ON "issuance" ("issued_at", "serial")`);

    await q.query('GRANT SELECT, INSERT ON "policy_version" TO signet_ca');
    await q.query('GRANT SELECT, INSERT, UPDATE ON "policy_head" TO signet_ca');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "IDX_issuance_issued_at"');
    await q.query('DROP INDEX "IDX_issuance_policy_version"');
    await q.query(
      'ALTER TABLE "issuance" DROP CONSTRAINT "CHK_issuance_ct_leaf_hash", DROP CONSTRAINT "FK_issuance_policy_version", DROP COLUMN "ct_leaf_hash", DROP COLUMN "policy_version"',
    );
    await q.query('DROP TABLE "policy_head"');
    await q.query('DROP FUNCTION signet_policy_head_advance()');
    await q.query('DROP TABLE "policy_version"');
    await q.query('DROP FUNCTION signet_policy_version_chain()');
  }
}
