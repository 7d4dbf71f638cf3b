/* Crash consistency (issue 19): the built log process SIGKILLed at random points while every
   write path runs (Rekor v1 hashedrekord and dsse, Rekor v2, CT precertificates through CA
   issuance, TSA, policy changes), restarted, and held to the record of what was acknowledged
   (test/support/crash-*.ts). CRASH_SEED replays a run; CRASH_ROUNDS (npm run crash) runs longer.
   Needs `npm run build`. */
import { checkCrashInvariants } from '@app/testing/crash-checks';
import {
  crashRounds,
  crashSeed,
  describeReport,
  expectCrashReport,
  runCrashRounds,
} from '@app/testing/crash-harness';
import { type CrashStack, startCrashStack } from '@app/testing/crash-stack';
import { ALL_WRITE_PATHS, type Write } from '@app/testing/crash-workload';
import { tempDirs } from '@app/testing/temp-dir';

const tempDir = tempDirs(afterAll);
const ROUNDS = crashRounds(20);

describe('crash consistency: the log process killed (SIGKILL) mid-write', () => {
  let stack: CrashStack;
  let writes: readonly Write[] = [];

  beforeAll(async () => {
    stack = await startCrashStack();
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it(
    `keeps every acknowledged write, gap-free indices and consistent checkpoints over ${ROUNDS} kills`,
    async () => {
      const report = await runCrashRounds({
        name: 'crash-log',
        stack,
        rounds: ROUNDS,
        seed: crashSeed(),
        paths: ALL_WRITE_PATHS,
        workers: 6,
        beforeCrashMs: [100, 700],
        crash: () => stack.killLog(),
        recover: () => stack.startLog(),
      });
      process.stderr.write(describeReport('crash-log', report));
      writes = report.writes;
      await expectCrashReport(stack, report, ALL_WRITE_PATHS, tempDir('crash-tsa'));
    },
    60_000 + ROUNDS * 20_000,
  );

  // The checks can fail: each violation, made on purpose, is named. The database ones are made
  // last, as the owner, with inserts the append-only triggers allow; the database is dropped.
  it('names each violated invariant: lost bytes, an inconsistent checkpoint, half-present rows', async () => {
    const acked = writes.filter((w) => w.acknowledged && w.path === 'v1-hashedrekord');
    expect(acked.length).toBeGreaterThan(0);
    const w = acked[0]!;
    const check = (ws: readonly Write[]) => checkCrashInvariants(stack, ws, []);
    await expect(check([{ ...w, body: Buffer.from('other bytes') }])).rejects.toThrow(
      `crash invariant violated: acknowledged v1-hashedrekord at index ${w.leafIndex} is missing or has other bytes`,
    );
    const forged = { ...w.checkpoint!, rootHash: Buffer.alloc(32, 7) };
    await expect(check([{ ...w, checkpoint: forged }])).rejects.toThrow(
      `crash invariant violated: returned artifact checkpoint ${forged.treeSize} is not consistent with the final tree: `,
    );
    await expect(check(writes)).resolves.toMatchObject({ acknowledged: expect.any(Number) });

    const [tree] = await stack.db.query<{ id: string; size: string }>(
      `SELECT t.id, s.size FROM log_tree t JOIN tree_state s ON s.tree_id = t.id WHERE t.purpose = 'artifact'`,
    );
    await stack.db.query(
      `INSERT INTO search_index (tree_id, leaf_index, key_sha256s) VALUES ($1, $2, ARRAY[sha256('x')])`,
      [tree!.id, tree!.size],
    );
    await expect(check(writes)).rejects.toThrow(
      'crash invariant violated: 0 entries without search rows, 1 search rows without entries',
    );
    // An entry past the head: written, never integrated (the half of a write a crash could leave).
    await stack.db.query(
      `INSERT INTO log_entry (purpose, tree_id, leaf_index, global_index, leaf_hash, body, body_deflated,
         kind, api_version, signed_entry_timestamp, integrated_time)
       SELECT purpose, tree_id, $2, $2, sha256('forged'), body, body_deflated, kind, api_version,
         signed_entry_timestamp, integrated_time FROM log_entry WHERE tree_id = $1 AND leaf_index = 0`,
      [tree!.id, tree!.size],
    );
    await expect(check(writes)).rejects.toThrow(
      `crash invariant violated: tree ${tree!.id} (artifact): head size ${tree!.size}, ${Number(tree!.size) + 1} entries`,
    );
  });
});
