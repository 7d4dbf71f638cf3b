import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transparency log's storage, modelled on C2SP tlog-tiles (Tessera's schema): trees, their
 * locked head, 256-wide hash tiles, entries, checkpoints and the search index. Append-only is
 * enforced here, in the database, not only in code.
 */
export class CreateTransparencyLog1795370000000 implements MigrationInterface {
  name = 'CreateTransparencyLog1795370000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "log_tree" ("id" bigint NOT NULL, "purpose" text NOT NULL, "origin" text NOT NULL, "active" boolean NOT NULL, "public_key" bytea NOT NULL, "log_id" bytea NOT NULL, "index_offset" bigint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "frozen_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_3c085dc5035cee113ef90ae66bc" PRIMARY KEY ("id"), CONSTRAINT "CHK_log_tree_id" CHECK ("id" > 0), CONSTRAINT "CHK_log_tree_purpose" CHECK ("purpose" IN ('artifact', 'ct')))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_log_tree_active_purpose" ON "log_tree" ("purpose") WHERE "active"`,
    );
    await q.query(
      `CREATE TABLE "tree_state" ("tree_id" bigint NOT NULL, "size" bigint NOT NULL, "root_hash" bytea NOT NULL, "right_edge" bytea NOT NULL, CONSTRAINT "PK_32ab6abc4f7f0c7926fa32f5eec" PRIMARY KEY ("tree_id"))`,
    );
    await q.query(
      `CREATE TABLE "hash_tile" ("tree_id" bigint NOT NULL, "tile_level" smallint NOT NULL, "tile_index" bigint NOT NULL, "hashes" bytea NOT NULL, CONSTRAINT "PK_359cb51ebcf5f2d0b6418d31bc8" PRIMARY KEY ("tree_id", "tile_level", "tile_index"), CONSTRAINT "CHK_hash_tile_width" CHECK (length("hashes") BETWEEN 32 AND 8192 AND length("hashes") % 32 = 0))`,
    );
    await q.query(
      `CREATE TABLE "checkpoint" ("tree_id" bigint NOT NULL, "tree_size" bigint NOT NULL, "root_hash" bytea NOT NULL, "note" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_cd0cd7fabca07723c3dbc39aac6" PRIMARY KEY ("tree_id", "tree_size"))`,
    );
    await q.query(
      `CREATE TABLE "log_entry" ("tree_id" bigint NOT NULL, "leaf_index" bigint NOT NULL, "global_index" bigint NOT NULL, "leaf_hash" bytea NOT NULL, "body" bytea NOT NULL, "kind" text NOT NULL, "api_version" text NOT NULL, "signed_entry_timestamp" bytea NOT NULL, "integrated_time" bigint NOT NULL, CONSTRAINT "PK_4c42e37296d68d14b201026e61c" PRIMARY KEY ("tree_id", "leaf_index"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_log_entry_global_index" ON "log_entry" ("global_index") `,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_log_entry_leaf_hash" ON "log_entry" ("tree_id", "leaf_hash") `,
    );
    await q.query(
      `CREATE TABLE "search_index" ("key" text NOT NULL, "tree_id" bigint NOT NULL, "leaf_index" bigint NOT NULL, CONSTRAINT "PK_0dabefe4a226e5729fd1ea96c64" PRIMARY KEY ("key", "tree_id", "leaf_index"))`,
    );

    // Append-only guards. Entries, checkpoints and index rows never change once written.
    await q.query(`CREATE FUNCTION signet_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'signet: % on % is not allowed: the log is append-only', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['log_entry', 'checkpoint', 'search_index']) {
      await q.query(
        `CREATE TRIGGER "${table}_append_only" BEFORE UPDATE OR DELETE ON "${table}" FOR EACH ROW EXECUTE FUNCTION signet_reject_change()`,
      );
    }
    for (const table of [
      'log_entry',
      'checkpoint',
      'search_index',
      'hash_tile',
      'tree_state',
      'log_tree',
    ]) {
      await q.query(
        `CREATE TRIGGER "${table}_no_truncate" BEFORE TRUNCATE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION signet_reject_change()`,
      );
    }
    // A partial tile may only grow by appending hashes; a full tile (256 hashes) never changes.
    await q.query(`CREATE FUNCTION signet_tile_grows() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'signet: DELETE on hash_tile is not allowed: the log is append-only'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.tree_id <> OLD.tree_id OR NEW.tile_level <> OLD.tile_level OR NEW.tile_index <> OLD.tile_index
           OR length(NEW.hashes) <= length(OLD.hashes)
           OR substring(NEW.hashes FROM 1 FOR length(OLD.hashes)) <> OLD.hashes THEN
          RAISE EXCEPTION 'signet: hash tile (%, %, %) may only grow by appending hashes',
            OLD.tree_id, OLD.tile_level, OLD.tile_index USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER "hash_tile_grows" BEFORE UPDATE OR DELETE ON "hash_tile" FOR EACH ROW EXECUTE FUNCTION signet_tile_grows()`,
    );
    // The tree head only moves forward; a tree can be frozen but never reopened or re-keyed.
    await q.query(`CREATE FUNCTION signet_tree_state_forward() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'signet: DELETE on tree_state is not allowed: the log is append-only'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.tree_id <> OLD.tree_id OR NEW.size < OLD.size OR (NEW.size = OLD.size AND NEW.root_hash <> OLD.root_hash) THEN
          RAISE EXCEPTION 'signet: tree % may not shrink or change its root at size %', OLD.tree_id, OLD.size
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE FUNCTION signet_log_tree_freeze_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'signet: DELETE on log_tree is not allowed: the log is append-only'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.id <> OLD.id OR NEW.public_key <> OLD.public_key OR NEW.log_id <> OLD.log_id
           OR NEW.origin <> OLD.origin OR NEW.purpose <> OLD.purpose OR NEW.index_offset <> OLD.index_offset
           OR (NEW.active AND NOT OLD.active) THEN
          RAISE EXCEPTION 'signet: tree % may only be frozen', OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER "tree_state_forward" BEFORE UPDATE OR DELETE ON "tree_state" FOR EACH ROW EXECUTE FUNCTION signet_tree_state_forward()`,
    );
    await q.query(
      `CREATE TRIGGER "log_tree_freeze_only" BEFORE UPDATE OR DELETE ON "log_tree" FOR EACH ROW EXECUTE FUNCTION signet_log_tree_freeze_only()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'search_index',
      'log_entry',
      'checkpoint',
      'hash_tile',
      'tree_state',
      'log_tree',
    ]) {
      await q.query(`DROP TABLE "${table}"`);
    }
    await q.query('DROP FUNCTION signet_log_tree_freeze_only()');
    await q.query('DROP FUNCTION signet_tree_state_forward()');
    await q.query('DROP FUNCTION signet_tile_grows()');
    await q.query('DROP FUNCTION signet_reject_change()');
  }
}
