/* The crash harness: rounds of "write concurrently on every path, crash something at a random
   point, recover, check every invariant" (crash-checks.ts) against a recorded workload
   (crash-workload.ts). Random points come from a seeded generator: the seed is printed, and
   CRASH_SEED=<seed> replays the same choices; CRASH_ROUNDS overrides a suite's round count. */
import { randomInt } from 'node:crypto';
import { type CheckSummary, checkCrashInvariants, checkTimestamps } from './crash-checks';
import type { CrashStack } from './crash-stack';
import { Workload, type Write, type WritePath } from './crash-workload';
import { seededRandom } from './seeded-random';

/** CRASH_SEED when set, else a fresh one. */
export function crashSeed(): number {
  const given = process.env.CRASH_SEED;
  if (given === undefined || given === '') return randomInt(2 ** 31);
  if (!/^\d+$/.test(given)) throw new Error(`CRASH_SEED: "${given}" is not a whole number`);
  return Number(given);
}

/** CRASH_ROUNDS when set, else `fallback`. */
export function crashRounds(fallback: number): number {
  const given = process.env.CRASH_ROUNDS;
  if (given === undefined || given === '') return fallback;
  if (!/^[1-9]\d*$/.test(given)) throw new Error(`CRASH_ROUNDS: "${given}" is not a count`);
  return Number(given);
}

export interface CrashPlan {
  name: string;
  stack: CrashStack;
  rounds: number;
  seed: number;
  paths: readonly WritePath[];
  workers: number;
  /** Writes run this long (ms, drawn uniformly) before the crash. */
  beforeCrashMs: [number, number];
  /** Kills something; writes go on meanwhile and fail. */
  crash(round: number): Promise<void>;
  /** Brings the stack back; resolves when it serves again. */
  recover(round: number): Promise<void>;
}

/** What the rounds did, for the suite's report line. */
export interface CrashReport {
  seed: number;
  rounds: number;
  /** Acknowledged and unacknowledged writes per path. */
  tally: Record<string, { acknowledged: number; unacknowledged: number }>;
  writes: readonly Write[];
  last: CheckSummary;
  ms: number;
  /** Requests in flight when each crash came. */
  inFlightAtCrash: number[];
  /** Unacknowledged v1 writes that were nevertheless in the log (committed, answer lost). */
  foundUnacknowledged: number;
}

/** Runs the rounds; throws with the seed and round named at the first violated invariant. */
export async function runCrashRounds(plan: CrashPlan): Promise<CrashReport> {
  const random = seededRandom(plan.seed);
  const workload = new Workload(plan.stack, random, plan.paths);
  const started = performance.now();
  let checked = 0;
  let last: CheckSummary | undefined;
  const inFlightAtCrash: number[] = [];
  let foundUnacknowledged = 0;
  for (let round = 1; round <= plan.rounds; round++) {
    const [lo, hi] = plan.beforeCrashMs;
    const delay = lo + Math.floor(random() * (hi - lo));
    workload.start(plan.workers);
    await new Promise((r) => setTimeout(r, delay));
    try {
      inFlightAtCrash.push(workload.inFlight);
      await plan.crash(round);
      // Writes meet the crashed stack for a moment: refused or cut, never acknowledged falsely.
      await new Promise((r) => setTimeout(r, 100 + Math.floor(random() * 200)));
      await workload.stop();
      await plan.recover(round);
      const fresh = workload.writes.slice(checked);
      checked = workload.writes.length;
      last = await checkCrashInvariants(plan.stack, workload.writes, fresh);
      foundUnacknowledged += last.foundUnacknowledged;
    } catch (err) {
      await workload.stop();
      throw new Error(
        `${plan.name}: round ${round} of ${plan.rounds} (CRASH_SEED=${plan.seed}, crash after ${delay} ms): ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
  // After the last recovery the stack serves every path again, without a restart of its own.
  const settledFrom = workload.writes.length;
  workload.start(plan.workers);
  await new Promise((r) => setTimeout(r, 1_000));
  await workload.stop();
  const settled = workload.writes.slice(settledFrom);
  for (const path of plan.paths)
    if (!settled.some((w) => w.path === path && w.acknowledged))
      throw new Error(
        `${plan.name} (CRASH_SEED=${plan.seed}): after the last recovery no ${path} write succeeded: ${settled.find((w) => w.path === path)?.failure ?? 'none tried'}`,
      );
  last = await checkCrashInvariants(plan.stack, workload.writes, settled);
  const tally: CrashReport['tally'] = {};
  for (const w of workload.writes) {
    const t = (tally[w.path] ??= { acknowledged: 0, unacknowledged: 0 });
    t[w.acknowledged ? 'acknowledged' : 'unacknowledged']++;
  }
  const ms = performance.now() - started;
  return {
    seed: plan.seed,
    rounds: plan.rounds,
    tally,
    writes: workload.writes,
    last,
    ms,
    inFlightAtCrash,
    foundUnacknowledged,
  };
}

/** One line for the suite's output: seed, rounds, writes per path, tree sizes, runtime. */
export function describeReport(name: string, r: CrashReport): string {
  const paths = Object.entries(r.tally)
    .map(([p, t]) => `${p} ${t.acknowledged}/${t.acknowledged + t.unacknowledged}`)
    .join(', ');
  const trees = Object.entries(r.last.entries)
    .map(([p, n]) => `${p} ${n}`)
    .join(', ');
  const inFlight = r.inFlightAtCrash.join(' ');
  return (
    `${name}: CRASH_SEED=${r.seed}, ${r.rounds} rounds in ${Math.round(r.ms)} ms; ` +
    `requests in flight at each crash: ${inFlight}; acknowledged/attempted: ${paths}; ` +
    `unacknowledged v1 writes found logged in full: ${r.foundUnacknowledged}; ` +
    `trees: ${trees}; ${r.last.checkpoints} checkpoints\n`
  );
}

/**
 * What every suite asserts after its rounds: each acknowledged timestamp verifies against the
 * trusted root (openssl, files in `dir`), every path was acknowledged at least once, and some
 * writes met the crashed stack, so both halves of the checks had work to do.
 */
export async function expectCrashReport(
  stack: CrashStack,
  report: CrashReport,
  paths: readonly WritePath[],
  dir: string,
): Promise<void> {
  expect(await checkTimestamps(stack, report.writes, dir)).toBe(report.tally.tsa?.acknowledged);
  for (const path of paths) expect(report.tally[path]?.acknowledged).toBeGreaterThan(0);
  expect(report.last.unacknowledged).toBeGreaterThan(0);
}
