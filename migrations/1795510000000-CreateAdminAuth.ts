import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin plane's sign-in, tokens and audit trail (issue 17):
 * - `admin_session`: express-session's rows (connect-pg-simple's schema, created here rather than
 *   by the store, which runs as the CA's role and may not create tables);
 * - `admin_api_token`: only each token's SHA-256; never deleted, and a trigger lets an UPDATE
 *   touch only `last_used_*` and set `revoked_*` once, so a token's role, owner or expiry cannot
 *   be raised after it was shown;
 * - `admin_audit_event`: append-only (the same triggers as the issuance record), hash-chained.
 */
export class CreateAdminAuth1795510000000 implements MigrationInterface {
  name = 'CreateAdminAuth1795510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "admin_session" ("sid" text NOT NULL, "sess" jsonb NOT NULL, "expire" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_admin_session" PRIMARY KEY ("sid"))`,
    );
    await q.query(`CREATE INDEX "IDX_admin_session_expire" ON "admin_session" ("expire") `);
    await q.query(
      `CREATE TABLE "admin_api_token" ("id" uuid NOT NULL, "name" text NOT NULL, "role" text NOT NULL, "token_sha256" bytea NOT NULL, "last4" text NOT NULL, "created_by_issuer" text NOT NULL, "created_by_subject" text NOT NULL, "created_by_display" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_used_at" TIMESTAMP WITH TIME ZONE, "last_used_ip" text, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_by_issuer" text, "revoked_by_subject" text, CONSTRAINT "CHK_admin_api_token_role" CHECK ("role" IN ('viewer', 'editor', 'owner')), CONSTRAINT "PK_admin_api_token" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_admin_api_token_sha256" ON "admin_api_token" ("token_sha256") `,
    );
    await q.query(`CREATE FUNCTION signet_admin_api_token_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (NEW.id, NEW.name, NEW.role, NEW.token_sha256, NEW.last4, NEW.created_by_issuer,
            NEW.created_by_subject, NEW.created_by_display, NEW.created_at, NEW.expires_at)
          IS DISTINCT FROM
           (OLD.id, OLD.name, OLD.role, OLD.token_sha256, OLD.last4, OLD.created_by_issuer,
            OLD.created_by_subject, OLD.created_by_display, OLD.created_at, OLD.expires_at) THEN
          RAISE EXCEPTION 'signet: an admin API token may change only its last_used_* and revoked_* columns'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD.revoked_at IS NOT NULL AND (NEW.revoked_at, NEW.revoked_by_issuer, NEW.revoked_by_subject)
            IS DISTINCT FROM (OLD.revoked_at, OLD.revoked_by_issuer, OLD.revoked_by_subject) THEN
          RAISE EXCEPTION 'signet: a revoked admin API token stays revoked'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER "admin_api_token_update" BEFORE UPDATE ON "admin_api_token" FOR EACH ROW EXECUTE FUNCTION signet_admin_api_token_update()`,
    );
    await q.query(
      `CREATE TRIGGER "admin_api_token_no_delete" BEFORE DELETE ON "admin_api_token" FOR EACH ROW EXECUTE FUNCTION signet_reject_change()`,
    );
    await q.query(
      `CREATE TRIGGER "admin_api_token_no_truncate" BEFORE TRUNCATE ON "admin_api_token" FOR EACH STATEMENT EXECUTE FUNCTION signet_reject_change()`,
    );
    await q.query(
      `CREATE TABLE "admin_audit_event" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "request_id" text, "action" text NOT NULL, "outcome" text NOT NULL, "actor_kind" text, "actor_issuer" text, "actor_subject" text, "actor_display" text, "actor_role" text, "token_id" uuid, "target" text, "http_status" integer, "reason" text, "policy_version_before" bigint, "policy_version_after" bigint, "details" jsonb, "client_address" text, "user_agent" text, "prev_hash" bytea, "hash" bytea NOT NULL, CONSTRAINT "CHK_admin_audit_event_outcome" CHECK ("outcome" IN ('success', 'failure')), CONSTRAINT "PK_admin_audit_event" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_admin_audit_event_at" ON "admin_audit_event" ("at") `);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_admin_audit_event_hash" ON "admin_audit_event" ("hash") `,
    );
    await q.query(
      `CREATE TRIGGER "admin_audit_event_append_only" BEFORE UPDATE OR DELETE ON "admin_audit_event" FOR EACH ROW EXECUTE FUNCTION signet_reject_change()`,
    );
    await q.query(
      `CREATE TRIGGER "admin_audit_event_no_truncate" BEFORE TRUNCATE ON "admin_audit_event" FOR EACH STATEMENT EXECUTE FUNCTION signet_reject_change()`,
    );
    await q.query('GRANT SELECT, INSERT, UPDATE, DELETE ON "admin_session" TO signet_ca');
    await q.query('GRANT SELECT, INSERT ON "admin_api_token" TO signet_ca');
    await q.query(
      'GRANT UPDATE ("last_used_at", "last_used_ip", "revoked_at", "revoked_by_issuer", "revoked_by_subject") ON "admin_api_token" TO signet_ca',
    );
    await q.query('GRANT SELECT, INSERT ON "admin_audit_event" TO signet_ca');
    await q.query('GRANT USAGE ON SEQUENCE "admin_audit_event_id_seq" TO signet_ca');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "admin_audit_event"');
    await q.query('DROP TABLE "admin_api_token"');
    await q.query('DROP FUNCTION signet_admin_api_token_update()');
    await q.query('DROP TABLE "admin_session"');
  }
}
