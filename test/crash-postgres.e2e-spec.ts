/* Crash consistency (issue 19): Postgres killed (SIGKILL of the postmaster) mid-transaction while
   every write path runs, then started again on the same data dir; the apps must recover without a
   restart and keep every acknowledged write. Twice over: the devkit's embedded Postgres, and
   Debian's system server run as a private cluster (never the machine's own). Each is a server of
   this suite's own, so killing it disturbs no other suite. CRASH_SEED replays a run; CRASH_ROUNDS
   (npm run crash) runs longer. Needs `npm run build`. */
import {
  crashRounds,
  crashSeed,
  describeReport,
  expectCrashReport,
  runCrashRounds,
} from '@app/testing/crash-harness';
import {
  type CrashablePostgres,
  type PostgresKind,
  startCrashablePostgres,
} from '@app/testing/crash-postgres';
import { type CrashStack, startCrashStack } from '@app/testing/crash-stack';
import { ALL_WRITE_PATHS } from '@app/testing/crash-workload';
import { createMigratedDatabase } from '@app/testing/database';
import { waitFor } from '@app/testing/processes';
import { tempDirs } from '@app/testing/temp-dir';

const tempDir = tempDirs(afterAll);
const ROUNDS = crashRounds(3);

describe.each<PostgresKind>(['embedded', 'system'])(
  'crash consistency: the %s Postgres killed (SIGKILL) mid-transaction',
  (kind) => {
    let pg: CrashablePostgres;
    let stack: CrashStack;

    beforeAll(async () => {
      pg = await startCrashablePostgres(kind);
      stack = await startCrashStack(await createMigratedDatabase(pg.adminUrl));
    }, 120_000);
    afterAll(async () => {
      // The whole server goes with its data dir; the database needs no drop of its own.
      await stack?.close(false);
      await pg?.close();
    });

    it(
      'recovers both apps and keeps every acknowledged write',
      async () => {
        const openTransactions: number[] = [];
        const report = await runCrashRounds({
          name: `crash-postgres-${kind}`,
          stack,
          rounds: ROUNDS,
          seed: crashSeed(),
          paths: ALL_WRITE_PATHS,
          workers: 6,
          beforeCrashMs: [300, 1200],
          crash: async () => {
            // The apps' transactions open at the kill: the crash lands mid-transaction.
            const [open] = await stack.db.query<{ n: string }>(
              `SELECT count(*) AS n FROM pg_stat_activity
             WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()`,
            );
            openTransactions.push(Number(open!.n));
            await pg.kill();
          },
          recover: async () => {
            await pg.restart();
            // The same processes serve again: nothing restarted them.
            await waitFor(`${stack.logUrl}/healthz`, 200, 30_000, stack.log());
            await waitFor(`${stack.caUrl}/healthz`, 200, 30_000, stack.ca());
          },
        });
        process.stderr.write(describeReport(`crash-postgres-${kind}`, report));
        process.stderr.write(
          `crash-postgres-${kind}: app transactions open at each kill: ${openTransactions.join(' ')}\n`,
        );
        expect([stack.log().child.exitCode, stack.ca().child.exitCode]).toEqual([null, null]);
        await expectCrashReport(stack, report, ALL_WRITE_PATHS, tempDir('crash-tsa'));
      },
      60_000 + ROUNDS * 20_000,
    );
  },
);
