import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CA retirement from the admin API (issue 17: the owner role): the CA's role may add a row to
 * `ca_certificate_distrust`, never change or remove one (the table stays append-only by its
 * triggers). A distrust only ever takes trust away: the worst a misused CA login can do with it
 * is what it could already do by refusing to issue.
 */
export class GrantCaDistrust1795520000000 implements MigrationInterface {
  name = 'GrantCaDistrust1795520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('GRANT INSERT ON "ca_certificate_distrust" TO signet_ca');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('REVOKE INSERT ON "ca_certificate_distrust" FROM signet_ca');
  }
}
