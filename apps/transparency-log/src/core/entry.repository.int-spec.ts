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

  it('searches every key (and) or any key (or), across the trees of one purpose, and nothing for no keys', async () => {
    const found = async (
      keys: string[],
      op: 'and' | 'or',
      purpose: 'artifact' | 'ct' = 'artifact',
    ) =>
      (await repo.searchLeafHashes(keys, op, { purpose, limit: 1000 })).map(
        (e) => `${e.globalIndex}:${e.treeId}/${e.leafHash.toString('hex')}`,
      );
    const leaf = (name: string) => testEntry(name).leafHash.toString('hex');
    expect(await found(['sha256:a', 'sha256:b'], 'or')).toEqual([
      `1:21/${leaf('a')}`,
      `2:21/${leaf('b')}`,
    ]);
    // The CT tree's entry under the same key is no Rekor entry: its global index is another count.
    expect(await found(['sha256:a'], 'or', 'ct')).toEqual([`0:31/${leaf('a')}`]);
    expect(await found(['sha256:a', 'sha256:b'], 'and')).toEqual([]);
    expect(await found(['sha256:old'], 'and')).toEqual([`0:20/${leaf('old')}`]);
    expect(await repo.searchLeafHashes([], 'or', { purpose: 'artifact', limit: 1000 })).toEqual([]);
  });

  it('answers a search with global indices, tree ids and leaf hashes only, reading no body', async () => {
    const [first] = await repo.searchLeafHashes(['sha256:big'], 'or', {
      purpose: 'artifact',
      limit: 1000,
    });
    expect(first).toEqual({ globalIndex: 3n, treeId: artifact.id, leafHash: big.leafHash });
  });
});

describe(`${EntryRepository.name} search paging (L7)`, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let repo: EntryRepository;
  // Tree ids in the opposite order of their global indices: paging must follow the latter.
  const older = { id: 900n, purpose: 'artifact' as const };
  const newer = { id: 100n, purpose: 'artifact' as const };
  const ct = { id: 50n, purpose: 'ct' as const };
  const shared = 'email:many@example.com';
  /** Entry `name` filed under its own key and, when `many`, under the shared one too. */
  const keyed = (name: string, many: boolean): PreparedEntry => ({
    ...testEntry(name),
    indexKeys: many ? [`sha256:${name}`, shared] : [`sha256:${name}`],
  });
  /** What the shared key should find: `tree/leaf` of every artifact entry under it, by global index. */
  const expected: string[] = [];
  const id = (e: { treeId: bigint; leafHash: Buffer }) =>
    `${e.treeId}/${e.leafHash.toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openLogDataSource(db.url, 'signet-test-entry-search-paging');
    const trees = new TreeRepository(dataSource);
    repo = new EntryRepository(dataSource);
    const root = Buffer.from(emptyRoot());
    await trees.transaction(async (q) => {
      for (const [t, offset] of [
        [older, 0n],
        [newer, 7n],
        [ct, 0n],
      ] as const) {
        if (t === newer) await trees.freeze(q, older.id);
        await trees.insertTree(
          q,
          {
            ...t,
            origin: `log.test/${t.id}`,
            publicKey: Buffer.from(`${t.id}`),
            logId: Buffer.alloc(32, Number(t.id % 256n)),
            indexOffset: offset,
          },
          root,
        );
      }
      // Global indices 0-6 in the older tree and 7-15 in the newer one; every third entry is not
      // under the shared key.
      for (const [t, count, offset] of [
        [older, 7, 0n],
        [newer, 9, 7n],
      ] as const) {
        const rows = Array.from({ length: count }, (_, i) => {
          const name = `${t.id}-${i}`;
          const many = (Number(offset) + i) % 3 !== 2;
          const entry = keyed(name, many);
          if (many) expected.push(id({ treeId: t.id, leafHash: entry.leafHash }));
          return row(entry, BigInt(i), offset);
        });
        await repo.insertEntries(q, t, rows);
      }
      await repo.insertEntries(q, ct, [row(keyed('ct', true), 0n)]);
    });
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('pages a search by global index, every entry exactly once, for every page size', async () => {
    expect(expected).toHaveLength(11);
    for (let limit = 1; limit <= expected.length + 1; limit++) {
      const seen: string[] = [];
      let after: bigint | undefined;
      for (let pages = 0; ; pages++) {
        const page = await repo.searchLeafHashes([shared], 'or', {
          purpose: 'artifact',
          after,
          limit,
        });
        expect(page.length).toBeLessThanOrEqual(limit);
        seen.push(...page.map(id));
        if (page.length < limit) break;
        after = page[page.length - 1]!.globalIndex;
        expect(pages).toBeLessThan(expected.length);
      }
      expect(seen).toEqual(expected);
    }
  });

  it('starts after the cursor, whichever tree holds it, with every key (and) too', async () => {
    const page = (after: bigint, op: 'and' | 'or' = 'or', keys = [shared]) =>
      repo.searchLeafHashes(keys, op, { purpose: 'artifact', after, limit: 3 });
    expect((await page(5n)).map((e) => e.globalIndex)).toEqual([6n, 7n, 9n]);
    expect((await page(6n)).map((e) => e.globalIndex)).toEqual([7n, 9n, 10n]);
    expect(await page(15n)).toEqual([]);
    expect(await page(2n ** 63n - 1n)).toEqual([]);
    expect(
      (await page(0n, 'and', [shared, 'sha256:100-3'])).map((e) => [e.globalIndex, id(e)]),
    ).toEqual([[10n, expected[7]]]);
  });
});
