import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { verifyInclusion } from '@app/merkle';
import { loadConfig, type SignetConfig } from '@app/platform';
import { generateKeyPair, KeyObjectSigner, type Signer } from '@app/signing';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import { EntryRepository } from './entry.repository';
import type { Integrated } from './entry';
import { Integrator } from './integrator';
import { openLogDataSource, testEntry, testSigning } from './testing';
import { TreeRegistry } from './tree-registry.service';
import { TreeRepository } from './tree.repository';
import type { TreeSigning } from './tree-signing';

const newSigner = () => new KeyObjectSigner(generateKeyPair('ecdsa-p256-sha256').privateKey);

/**
 * The sequencer and integration through the registry, as a log process runs them: batches of
 * concurrent submissions, several processes on one database, key rotation, failing batches.
 */
describe(TreeRegistry.name, () => {
  let db: TestDatabase;
  let config: SignetConfig;
  const open: Array<{ registry: TreeRegistry; dataSource: DataSource }> = [];

  /** A log process: its own connection pool and registry over the shared database. */
  async function startProcess(
    signings: Map<'artifact' | 'ct', TreeSigning>,
  ): Promise<TreeRegistry> {
    const dataSource = await openLogDataSource(db.url, 'signet-test-registry');
    const trees = new TreeRepository(dataSource);
    const integrator = new Integrator(trees, new EntryRepository(dataSource));
    const registry = new TreeRegistry(trees, integrator, signings, config);
    await registry.onModuleInit();
    open.push({ registry, dataSource });
    return registry;
  }

  const only = (signing: TreeSigning) => new Map([['artifact' as const, signing]]);

  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await createTestDatabase();
    config = loadConfig({
      DATABASE_URL: db.url,
      LOG_BATCH_MAX_SIZE: '16',
      LOG_BATCH_MAX_WAIT_MS: '20',
    });
  });
  afterEach(async () => {
    for (const { dataSource } of open.splice(0)) await dataSource.destroy();
  });
  afterAll(() => db.drop());

  async function leaves(treeId: bigint) {
    return db.query<{ leaf_index: string; global_index: string }>(
      'SELECT leaf_index, global_index FROM log_entry WHERE tree_id = $1 ORDER BY leaf_index',
      [treeId.toString()],
    );
  }

  it('batches concurrent submissions: every entry gets its own index and a proof of its batch', async () => {
    const signer = newSigner();
    const registry = await startProcess(only(testSigning(signer)));
    const tree = registry.activeOf('artifact');
    const submitted = Array.from({ length: 50 }, (_, i) => testEntry(`batch-${i}`));
    const results = await Promise.all(submitted.map((e) => registry.append(e, 'artifact')));

    expect(results.every((r) => !r.duplicate)).toBe(true);
    const indices = results.map((r) => r.leafIndex).sort((a, b) => (a < b ? -1 : 1));
    expect(indices).toEqual(Array.from({ length: 50 }, (_, i) => BigInt(i)));
    // At most 16 per batch: at least four checkpoints, each entry proven against its own.
    const sizes = new Set(results.map((r) => r.checkpoint!.treeSize));
    expect(sizes.size).toBeGreaterThanOrEqual(4);
    for (const [i, r] of results.entries()) {
      const { treeSize, rootHash } = r.checkpoint!;
      verifyInclusion(
        submitted[i]!.leafHash,
        r.leafIndex,
        treeSize,
        r.proofs!.inclusionProof(r.leafIndex)!,
        rootHash,
      );
    }
    expect(await leaves(tree.id)).toHaveLength(50);
    // A repeat lands nowhere new and names the index it already has.
    const again = await registry.append(submitted[7]!, 'artifact');
    expect(again).toEqual<Integrated>({ duplicate: true, leafIndex: results[7]!.leafIndex });
  });

  it('lets several processes write one tree: no index is skipped or taken twice', async () => {
    const signing = testSigning(newSigner());
    const [a, b, c] = [
      await startProcess(only(signing)),
      await startProcess(only(signing)),
      await startProcess(only(signing)),
    ];
    // They found the same active tree (the first process created it, under the bootstrap lock).
    const tree = a.activeOf('artifact');
    expect([b, c].map((r) => r.activeOf('artifact').id)).toEqual([tree.id, tree.id]);
    const results = await Promise.all(
      Array.from({ length: 90 }, (_, i) =>
        [a, b, c][i % 3]!.append(testEntry(`multi-${i}`), 'artifact'),
      ),
    );
    const indices = results.map((r) => r.leafIndex).sort((x, y) => (x < y ? -1 : 1));
    expect(indices).toEqual(Array.from({ length: 90 }, (_, i) => BigInt(i)));
    expect((await leaves(tree.id)).map((l) => BigInt(l.leaf_index))).toEqual(indices);
  });

  it('freezes the tree when the key changes, and continues global indices in the new one', async () => {
    const first = await startProcess(only(testSigning(newSigner())));
    const old = first.activeOf('artifact');
    await Promise.all([0, 1, 2].map((i) => first.append(testEntry(`rotate-${i}`), 'artifact')));
    const second = await startProcess(only(testSigning(newSigner())));
    const fresh = second.activeOf('artifact');
    expect(fresh.id).not.toBe(old.id);
    expect((await second.tree(old.id)).active).toBe(false);
    const oldSize = BigInt((await leaves(old.id)).length);
    expect(fresh.indexOffset).toBe(old.indexOffset + oldSize);
    const r = await second.append(testEntry('rotate-after'), 'artifact');
    expect(r.leafIndex).toBe(0n);
    expect(BigInt((await leaves(fresh.id))[0]!.global_index)).toBe(fresh.indexOffset);
  });

  it('fails only the entry of a batch that cannot be committed, and stores the others', async () => {
    const signer: Signer = newSigner();
    const ok = testSigning(signer);
    // The same key (so the same tree), but entries named "poison-*" cannot be signed.
    const failing: TreeSigning = {
      ...ok,
      signEntry: (entry, position) =>
        entry.body.includes('poison')
          ? Promise.reject(new Error('the signer refused this entry'))
          : ok.signEntry(entry, position),
    };
    const registry = await startProcess(only(failing));
    const tree = registry.activeOf('artifact');
    const before = (await leaves(tree.id)).length;
    const outcomes = await Promise.allSettled(
      ['poison-1', 'fine-1', 'fine-2'].map((n) => registry.append(testEntry(n), 'artifact')),
    );
    // One batch, split until the bad entry fails alone; the others are integrated.
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toEqual(
      new Error('the signer refused this entry'),
    );
    expect((await leaves(tree.id)).length).toBe(before + 2);
    const next = await registry.append(testEntry('fine-3'), 'artifact');
    expect(next.leafIndex).toBe(BigInt(before + 2));
  });

  it('answers UNAVAILABLE for a purpose that has no signing', async () => {
    const registry = await startProcess(only(testSigning(newSigner())));
    expect(() => registry.activeOf('ct')).toThrow('the ct tree is not open');
  });
});
