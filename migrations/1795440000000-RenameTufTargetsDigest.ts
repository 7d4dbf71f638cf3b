import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The CA's TUF repository now lists two targets (`trusted_root.json` and
 * `signing_config.v0.2.json`), so a targets version is keyed by a digest over both:
 * `trusted_root_sha256` becomes `targets_sha256`. Existing rows keep their bytes (a rename is no
 * UPDATE, so the append-only trigger is not involved); the first CA start after this migration
 * finds a different digest and signs the next targets version, which lists both targets.
 */
export class RenameTufTargetsDigest1795440000000 implements MigrationInterface {
  name = 'RenameTufTargetsDigest1795440000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "tuf_targets_version" RENAME COLUMN "trusted_root_sha256" TO "targets_sha256"`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "tuf_targets_version" RENAME COLUMN "targets_sha256" TO "trusted_root_sha256"`,
    );
  }
}
