import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Least privilege for the two apps (security review M5). The role that runs migrations owns the
 * schema; each app runs as a member of its own group role, which can do exactly what the app
 * does and nothing the append-only triggers forbid:
 * - `signet_log` reads and appends the log's tables, moves a tree head and grows tiles, freezes
 *   trees, and reads the CA's certificates. It can never UPDATE or DELETE an entry, a checkpoint or
 *   a search key, write a CA table, or ALTER a table or its triggers (it owns none).
 * - `signet_ca` records issuances, its certificates and TUF versions, syncs the IAM rules, and
 *   reads the log's trees. It can write nothing of the log.
 * Both read `migrations`, to check at start that the schema is current.
 *
 * The group roles are created here when missing (NOLOGIN; that needs CREATEROLE, which the
 * embedded and compose setups' migration roles have); deployments create login roles in them
 * (`CREATE ROLE ca_app LOGIN PASSWORD '…' IN ROLE signet_ca`; README: Database roles). Every later
 * migration that adds a table grants on it, and `roles.int-spec.ts` checks every table is covered.
 */
export class GrantAppRoles1795460000000 implements MigrationInterface {
  name = 'GrantAppRoles1795460000000';

  async up(q: QueryRunner): Promise<void> {
    for (const role of ['signet_ca', 'signet_log']) {
      await q.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN
          CREATE ROLE ${role} NOLOGIN;
        END IF;
      END $$`);
    }
    // Before Postgres 15 every role may create objects in public; the apps never do.
    await q.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    await q.query('GRANT USAGE ON SCHEMA public TO signet_ca, signet_log');
    await q.query('GRANT SELECT ON "migrations" TO signet_ca, signet_log');

    await q.query(
      'GRANT SELECT, INSERT ON "log_tree", "tree_state", "hash_tile", "checkpoint", "log_entry", "search_index" TO signet_log',
    );
    await q.query('GRANT UPDATE ON "tree_state", "hash_tile" TO signet_log');
    await q.query('GRANT UPDATE ("active", "frozen_at") ON "log_tree" TO signet_log');
    await q.query('GRANT SELECT ON "ca_certificate" TO signet_log');

    await q.query(
      'GRANT SELECT, INSERT ON "issuance", "ca_certificate", "tuf_targets_version", "iam_rule" TO signet_ca',
    );
    await q.query('GRANT UPDATE ON "iam_rule" TO signet_ca');
    await q.query('GRANT SELECT ON "log_tree" TO signet_ca');
  }

  async down(q: QueryRunner): Promise<void> {
    // The roles stay: they are the cluster's, and may hold login roles of the deployment.
    await q.query(
      'REVOKE ALL ON "log_tree", "tree_state", "hash_tile", "checkpoint", "log_entry", "search_index", "ca_certificate", "issuance", "tuf_targets_version", "iam_rule", "migrations" FROM signet_ca, signet_log',
    );
    await q.query('REVOKE USAGE ON SCHEMA public FROM signet_ca, signet_log');
  }
}
