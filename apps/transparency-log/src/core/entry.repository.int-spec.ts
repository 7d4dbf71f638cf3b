import type { DataSource } from 'typeorm';
import { emptyRoot } from '@app/merkle';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import type { PreparedEntry } from './entry';
import { EntryRepository, type NewEntryRow } from './entry.repository';
import { storeBody } from './stored-body';
import { openLogDataSource, testEntry } from './testing';
import { TreeRepository } from './tree.repository';

/** Row `leafIndex` of a tree whose leaf 0 has global index `offset`. */
function row(entry: PreparedEntry, leafIndex: bigint, offset = 0n): NewEntryRow {
  return {
    ...entry,
    storedBody: storeBody(entry.body),
    leafIndex,
    globalIndex: offset + leafIndex,
    integratedTime: 1_700_000_000n + leafIndex,
    signedEntryTimestamp: Buffer.from(`set ${leafIndex}`),
  };
}

describe(EntryRepository.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let trees: TreeRepository;
  let repo: EntryRepository;
  const artifact = { id: 21n, purpose: 'artifact' as const };
  const frozen = { id: 20n, purpose: 'artifact' as const };
  const ct = { id: 31n, purpose: 'ct' as const };
  // A large, compressible body: stored deflated, served as it came.
  const big: PreparedEntry = {
    ...testEntry('big'),
    body: Buffer.from(JSON.stringify({ entry: 'big', pad: 'x'.repeat(4000) })),
  };
  const entries = [testEntry('a'), testEntry('b'), big];

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openLogDataSource(db.url, 'signet-test-entry-repository');
    trees = new TreeRepository(dataSource);
    repo = new EntryRepository(dataSource);
    const root = Buffer.from(emptyRoot());
    await trees.transaction(async (q) => {
      for (const t of [frozen, artifact, ct]) {
        if (t === artifact) await trees.freeze(q, frozen.id);
        await trees.insertTree(
          q,
          {
            ...t,
            origin: `log.test/${t.id}`,
            publicKey: Buffer.from(`${t.id}`),
            logId: Buffer.alloc(32, Number(t.id)),
            indexOffset: t === artifact ? 1n : 0n,
          },
          root,
        );
      }
      await repo.insertEntries(q, frozen, [row(testEntry('old'), 0n)]);
      await repo.insertEntries(
        q,
        artifact,
        entries.map((e, i) => row(e, BigInt(i), 1n)),
      );
      // The same entry in a CT tree: global indices and lookups are scoped by purpose.
      await repo.insertEntries(q, ct, [row(testEntry('a'), 0n)]);
    });
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('stores bodies compressed when that is smaller, and serves them as they came', async () => {
    const stored = await db.query<{ leaf_index: string; body_deflated: boolean }>(
      'SELECT leaf_index, body_deflated FROM log_entry WHERE tree_id = 21 ORDER BY leaf_index',
    );
    expect(stored.map((r) => r.body_deflated)).toEqual([false, false, true]);
    const read = await repo.entriesInRange(artifact.id, 0n, 10n);
    expect(read.map((e) => e.body)).toEqual(entries.map((e) => e.body));
    expect(read[2]).toMatchObject({
      treeId: 21n,
      leafIndex: 2n,
      globalIndex: 3n,
      kind: 'hashedrekord',
      apiVersion: '0.0.1',
      integratedTime: 1_700_000_002n,
      signedEntryTimestamp: Buffer.from('set 2'),
    });
  });

  it('reads ranges as half-open intervals, in order', async () => {
    expect((await repo.entriesInRange(artifact.id, 1n, 2n)).map((e) => e.leafIndex)).toEqual([1n]);
    expect(await repo.entriesInRange(artifact.id, 3n, 10n)).toEqual([]);
  });

  it('finds which leaf hashes a tree already holds, with their indices', async () => {
    const found = await trees.transaction((q) =>
      repo.existing(q, artifact.id, [entries[1]!.leafHash, testEntry('new').leafHash]),
    );
    expect(found).toEqual(new Map([[entries[1]!.leafHash.toString('hex'), 1n]]));
  });

  it('refuses a leaf hash twice in one tree and a global index twice in one purpose, writing nothing', async () => {
    await expect(
      trees.transaction((q) => repo.insertEntries(q, artifact, [row(testEntry('a'), 3n, 1n)])),
    ).rejects.toThrow(/UQ_log_entry_leaf_hash/);
    await expect(
      trees.transaction((q) => repo.insertEntries(q, artifact, [row(testEntry('z'), 3n, 0n)])),
    ).rejects.toThrow(/UQ_log_entry_global_index/);
    const [{ n }] = (await db.query<{ n: string }>('SELECT count(*) AS n FROM log_entry')) as [
      { n: string },
    ];
    expect(n).toBe('5');
    expect(await db.query('SELECT * FROM search_index WHERE leaf_index = 3')).toEqual([]);
  });

  it('finds an entry by global index within its purpose only', async () => {
    expect((await repo.entryByGlobalIndex(0n, 'artifact'))?.treeId).toBe(frozen.id);
    expect((await repo.entryByGlobalIndex(2n, 'artifact'))?.body).toEqual(entries[1]!.body);
    expect((await repo.entryByGlobalIndex(0n, 'ct'))?.treeId).toBe(ct.id);
    expect(await repo.entryByGlobalIndex(4n, 'artifact')).toBeUndefined();
  });

  it('finds an entry by leaf hash in one tree or across the trees of its purpose, never another purpose', async () => {
    const a = entries[0]!.leafHash;
    expect((await repo.entryByLeafHash(a, 'artifact'))?.treeId).toBe(artifact.id);
    expect((await repo.entryByLeafHash(a, 'ct'))?.treeId).toBe(ct.id);
    expect(await repo.entryByLeafHash(a, 'artifact', frozen.id)).toBeUndefined();
    expect(await repo.entryByLeafHash(a, 'artifact', ct.id)).toBeUndefined();
  });

  it('finds the first entry of a tree under a search key', async () => {
    expect((await repo.entryByIndexKey(artifact.id, 'sha256:b'))?.leafIndex).toBe(1n);
    expect(await repo.entryByIndexKey(artifact.id, 'sha256:old')).toBeUndefined();
    expect(await repo.entryByIndexKey(artifact.id, 'sha256:none')).toBeUndefined();
  });

  it('searches every key (and) or any key (or), across trees, and nothing for no keys', async () => {
    const found = async (keys: string[], op: 'and' | 'or') =>
      (await repo.searchLeafHashes(keys, op)).map(
        (e) => `${e.treeId}/${e.leafHash.toString('hex')}`,
      );
    const leaf = (name: string) => testEntry(name).leafHash.toString('hex');
    expect(await found(['sha256:a', 'sha256:b'], 'or')).toEqual([
      `31/${leaf('a')}`,
      `21/${leaf('a')}`,
      `21/${leaf('b')}`,
    ]);
    expect(await found(['sha256:a', 'sha256:b'], 'and')).toEqual([]);
    expect(await found(['sha256:old'], 'and')).toEqual([`20/${leaf('old')}`]);
    expect(await repo.searchLeafHashes([], 'or')).toEqual([]);
  });

  it('answers a search with tree ids and leaf hashes only, reading no body', async () => {
    const [first] = await repo.searchLeafHashes(['sha256:big'], 'or');
    expect(first).toEqual({ treeId: artifact.id, leafHash: big.leafHash });
  });
});
