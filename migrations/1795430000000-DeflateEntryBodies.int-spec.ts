import { deflateRawSync } from 'node:zlib';
import { type MigrationHarness, openMigrationHarness } from '@app/testing/database';
import { DeflateEntryBodies1795430000000 } from './1795430000000-DeflateEntryBodies';

const INSERT = `INSERT INTO log_tree (id, purpose, origin, public_key, log_id, index_offset, active)
  VALUES (1, 'artifact', 'o', '\\x00', '\\x00', 0, true)`;

describe(DeflateEntryBodies1795430000000.name, () => {
  let harness: MigrationHarness;
  const migration = new DeflateEntryBodies1795430000000();

  beforeEach(async () => {
    harness = await openMigrationHarness();
    await harness.db.query(INSERT);
  });
  afterEach(() => harness.close());

  const insert = (leafIndex: number, body: Buffer, deflated?: boolean) =>
    harness.db.query(
      `INSERT INTO log_entry (purpose, tree_id, leaf_index, global_index, leaf_hash, body, kind, api_version, signed_entry_timestamp, integrated_time${deflated === undefined ? '' : ', body_deflated'})
       VALUES ('artifact', 1, $1, $1, $2, $3, 'hashedrekord', '0.0.1', '\\x00', 0${deflated === undefined ? '' : ', $4'})`,
      [leafIndex, Buffer.from([leafIndex]), body, ...(deflated === undefined ? [] : [deflated])],
    );

  it('marks entries stored before it as raw, and reverts only while no entry is deflated', async () => {
    await harness.run(migration, 'down');
    await insert(0, Buffer.from('{"raw":true}'));
    await harness.run(migration, 'up');
    expect(await harness.db.query('SELECT body, body_deflated FROM log_entry')).toEqual([
      { body: Buffer.from('{"raw":true}'), body_deflated: false },
    ]);

    await harness.run(migration, 'down');
    await harness.run(migration, 'up');
    await insert(1, deflateRawSync(Buffer.from('{"deflated":true}')), true);
    await expect(harness.run(migration, 'down')).rejects.toThrow(
      'DeflateEntryBodies cannot be reverted: some entries are stored deflated, and log_entry is append-only',
    );
    expect(await harness.db.query('SELECT count(*)::int AS n FROM log_entry')).toEqual([{ n: 2 }]);
  });
});
