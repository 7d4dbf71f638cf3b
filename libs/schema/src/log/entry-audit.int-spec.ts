import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/platform';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import { oversizedEntries } from './entry-audit';

/** M4: entries logged before the log refused them at submission are found by `db:audit`. */
describe(oversizedEntries.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    const key = Buffer.from('key');
    await db.query(
      `INSERT INTO log_tree (id, purpose, origin, active, public_key, log_id, index_offset)
       VALUES (7, 'artifact', 'audit', true, $1, $2, 0)`,
      [key, createHash('sha256').update(key).digest()],
    );
    // Written as the owner, as a log before the M4 fix would have: small, raw over, deflated over.
    const bodies: Array<[Buffer, boolean]> = [
      [Buffer.from('{"small":true}'), false],
      [Buffer.alloc(70_000, 0x61), false],
      [deflateRawSync(Buffer.alloc(65_536, 0x62)), true],
      [deflateRawSync(Buffer.alloc(65_535, 0x63)), true],
    ];
    for (const [i, [body, deflated]] of bodies.entries()) {
      await db.query(
        `INSERT INTO log_entry (tree_id, leaf_index, purpose, global_index, leaf_hash, body,
           body_deflated, kind, api_version, signed_entry_timestamp, integrated_time)
         VALUES (7, $1, 'artifact', $1, $2, $3, $4, 'hashedrekord', '0.0.1', '\\x00', 0)`,
        [i, createHash('sha256').update(body).digest(), body, deflated],
      );
    }
    dataSource = await new DataSource(
      dataSourceOptions({
        url: db.url,
        applicationName: 'signet-test-audit',
        entities: [],
        migrations: [],
      }),
    ).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('lists each entry whose canonical body is over the limit, inflating deflated ones, across pages', async () => {
    const expected = [
      { treeId: '7', leafIndex: '1', bytes: 70_000 },
      { treeId: '7', leafIndex: '2', bytes: 65_536 },
    ];
    expect(await oversizedEntries(dataSource, 65_535)).toEqual(expected);
    expect(await oversizedEntries(dataSource, 65_535, 1)).toEqual(expected);
    expect(await oversizedEntries(dataSource, 100_000)).toEqual([]);
  });
});
