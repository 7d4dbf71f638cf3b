// CPU time of the processes under test, from /proc (Linux): per-operation CPU cost is steadier than
// throughput on a shared machine, and compares directly with the crypto bound.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { figure, type Figure, round } from './figures';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond =
        Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * CPU milliseconds used so far by `pid`, user + system, including its children that have exited
 * and been waited for; 0 if the process is gone or /proc is unavailable.
 */
export function processCpuMs(pid: number): number {
  const f = statFields(pid);
  if (f === undefined) return 0;
  // After the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
  const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  return (ticks * 1000) / clockTicks();
}

/** CPU milliseconds of `pid` and its live direct children (Postgres: the postmaster's backends). */
export function processTreeCpuMs(pid: number): number {
  let total = processCpuMs(pid);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    if (f !== undefined && Number(f[1]) === pid) total += processCpuMs(Number(entry));
  }
  return total;
}

/** Named CPU counters, read before and after a measurement. */
export type CpuCounters = Record<string, () => number>;

/** Starts counting; the returned function gives each counter's CPU ms since the start. */
export function startCpu(counters: CpuCounters): () => Record<string, number> {
  const before = Object.fromEntries(Object.entries(counters).map(([k, read]) => [k, read()]));
  return () =>
    Object.fromEntries(Object.entries(counters).map(([k, read]) => [k, read() - before[k]!]));
}

/** The bench process's own CPU ms (the load generator's cost). */
export function selfCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Per-operation CPU figures `<prefix>_<counter>_cpu_ms_per_op<suffix>` for each counter used,
 * the app counters (`boundFor`) against the crypto time of one operation; the note gives each
 * counter's share of one core over the `seconds` measured.
 */
export function cpuFigures(
  prefix: string,
  suffix: string,
  used: Record<string, number>,
  ops: number,
  seconds: number,
  boundFor: Record<string, number>,
): Figure[] {
  const busy = Object.entries(used)
    .map(([k, ms]) => `${k} ${((100 * ms) / (seconds * 1000)).toFixed(0)}%`)
    .join(', ');
  return Object.entries(used).map(([counter, ms]) => {
    const value = ms / Math.max(1, ops);
    const bound = boundFor[counter];
    const id = `${prefix}_${counter}_cpu_ms_per_op${suffix}`;
    const note = `CPU busy (of one core): ${busy}`;
    return bound === undefined
      ? figure(id, 'ms', value, note)
      : {
          id,
          unit: 'ms',
          value: round(value),
          bound: round(bound),
          ratio: round(bound / value),
          note,
        };
  });
}
