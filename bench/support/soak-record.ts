// What a soak run saw: per operation, its answers' statuses and latencies; per tree, every
// checkpoint any answer carried and every entry a log acknowledged; per app process, its RSS over
// time. An answer other than the expected one or an intended 429/503 is an error, and so is an
// answer whose proof does not verify.
import { readFileSync } from 'node:fs';
import { parseCheckpoint, parseNote } from '@app/signing';
import { msSince, percentile, sorted } from './figures';
import type { SoakResult } from './soak';

/** The statuses a service under load may intend: rate limited, or queue full / retry later. */
export const INTENDED_STATUSES: readonly number[] = [429, 503];

/** The trees a soak writes to, by purpose (`libs/schema` purposes). */
export const SOAK_PURPOSES = ['artifact', 'rekor-v2', 'ct'] as const;
export type SoakPurpose = (typeof SOAK_PURPOSES)[number];

/** One operation's tally. */
export interface OpStats {
  count: number;
  ok: number;
  /** Status (or network error code) → count, every answer included. */
  statuses: Record<string, number>;
  latenciesMs: number[];
}

/** A checkpoint note an answer carried, parsed (its signature is checked at the end). */
export interface SeenCheckpoint {
  note: string;
  origin: string;
  treeSize: bigint;
  rootHash: Buffer;
}

/** An entry a log acknowledged: where it said it put it, and its leaf hash. */
export interface Ack {
  leafIndex: bigint;
  leafHash: Buffer;
}

/** Per-operation figures of a run. */
export interface OpSummary {
  op: string;
  count: number;
  ok: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  statuses: Record<string, number>;
}

const MAX_ERRORS_KEPT = 20;

export class SoakRecord {
  readonly ops = new Map<string, OpStats>();
  /** The first errors (unexpected statuses, failed checks), described; `errorCount` counts all. */
  readonly errors: string[] = [];
  errorCount = 0;
  readonly checkpoints = new Map<SoakPurpose, Map<string, SeenCheckpoint>>(
    SOAK_PURPOSES.map((p) => [p, new Map()]),
  );
  /** Root hash (hex) by tree size, per purpose: two different roots for one size is a fork. */
  readonly roots = new Map<SoakPurpose, Map<bigint, string>>(
    SOAK_PURPOSES.map((p) => [p, new Map()]),
  );
  readonly acks = new Map<SoakPurpose, Ack[]>(SOAK_PURPOSES.map((p) => [p, []]));

  /**
   * Tallies one answer; returns whether it is the `expected` one. Any other answer but an
   * intended 429/503 is an error, described by `detail` (the request and the answer's start).
   */
  answer(
    op: string,
    status: number | string,
    started: bigint,
    expected: number,
    detail: string | (() => string) = '',
  ): boolean {
    const stats = this.stats(op);
    const ms = msSince(started);
    stats.count++;
    stats.statuses[String(status)] = (stats.statuses[String(status)] ?? 0) + 1;
    if (status === expected) {
      stats.ok++;
      stats.latenciesMs.push(ms);
      return true;
    }
    if (typeof status === 'number' && INTENDED_STATUSES.includes(status)) return false;
    this.error(`${op}: ${status} ${typeof detail === 'string' ? detail : detail()}`.trim());
    return false;
  }

  /** Records an error: an unexpected answer, or a check that failed. */
  error(description: string): void {
    this.errorCount++;
    if (this.errors.length < MAX_ERRORS_KEPT) this.errors.push(description.slice(0, 400));
  }

  /** Records a checkpoint note carried by an answer; a second root for a size is a fork. */
  checkpoint(purpose: SoakPurpose, note: string): void {
    const seen = this.checkpoints.get(purpose)!;
    if (seen.has(note)) return;
    const { origin, treeSize, rootHash } = parseCheckpoint(parseNote(note).text);
    seen.set(note, { note, origin, treeSize, rootHash: Buffer.from(rootHash) });
    this.root(purpose, treeSize, Buffer.from(rootHash).toString('hex'), 'a checkpoint');
  }

  /** Records a root hash for a size from any answer (a proof's, an STH's). */
  root(purpose: SoakPurpose, treeSize: bigint, rootHex: string, from: string): void {
    const roots = this.roots.get(purpose)!;
    const known = roots.get(treeSize);
    if (known === undefined) roots.set(treeSize, rootHex);
    else if (known !== rootHex)
      this.error(
        `fork: ${purpose} tree size ${treeSize} has roots ${known} and ${rootHex} (${from})`,
      );
  }

  ack(purpose: SoakPurpose, leafIndex: bigint, leafHash: Uint8Array): void {
    this.acks.get(purpose)!.push({ leafIndex, leafHash: Buffer.from(leafHash) });
  }

  summary(seconds: number): OpSummary[] {
    return [...this.ops].map(([op, s]) => {
      const lat = sorted(s.latenciesMs);
      return {
        op,
        count: s.count,
        ok: s.ok,
        perSecond: s.ok / seconds,
        p50Ms: percentile(lat, 50),
        p99Ms: percentile(lat, 99),
        statuses: s.statuses,
      };
    });
  }

  private stats(op: string): OpStats {
    let stats = this.ops.get(op);
    if (stats === undefined) {
      stats = { count: 0, ok: 0, statuses: {}, latenciesMs: [] };
      this.ops.set(op, stats);
    }
    return stats;
  }
}

/** RSS samples of the app processes: `rssKiB[name][i]` was read at `atSeconds[i]`. */
export interface RssSamples {
  atSeconds: number[];
  rssKiB: Record<string, number[]>;
}

/** VmRSS of `pid` in KiB (/proc/<pid>/status), or NaN once the process is gone. */
export function residentKiB(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? NaN : Number(match[1]);
  } catch {
    return NaN;
  }
}

/** Samples each process's RSS now and every `everyMs`; `stop()` takes a last sample. */
export function sampleRss(
  processes: ReadonlyArray<{ name: string; pid: number }>,
  everyMs: number,
): { samples: RssSamples; stop(): void } {
  const started = performance.now();
  const samples: RssSamples = {
    atSeconds: [],
    rssKiB: Object.fromEntries(processes.map((p) => [p.name, []])),
  };
  const take = () => {
    samples.atSeconds.push((performance.now() - started) / 1000);
    for (const p of processes) samples.rssKiB[p.name]!.push(residentKiB(p.pid));
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    stop: () => {
      clearInterval(timer);
      take();
    },
  };
}

/**
 * One process's RSS: sampled at the end of warm-up and at the end, and the highest sample in each
 * half of the time after warm-up. `growth` compares those peaks: a V8 process's RSS is a sawtooth
 * (a CA's drops by some 50 MiB at a major collection and climbs back), so a single sample taken
 * after a drop reads as growth where there is none, while a leak raises every peak.
 */
export interface RssGrowth {
  name: string;
  warmKiB: number;
  endKiB: number;
  earlyPeakKiB: number;
  latePeakKiB: number;
  growth: number;
}

/**
 * RSS growth per process after `warmupSeconds`: the late half's peak over the early half's, less 1.
 * A process that died has NaN samples, hence NaN growth, which fails any limit.
 */
export function rssGrowth(samples: RssSamples, warmupSeconds: number): RssGrowth[] {
  const times = samples.atSeconds;
  let warm = times.findIndex((t) => t >= warmupSeconds);
  if (warm < 0) warm = times.length - 1;
  const middle = (times[warm]! + times[times.length - 1]!) / 2;
  const peak = (rss: number[], from: number, to: number) =>
    rss
      .filter((_, i) => i >= warm && times[i]! >= from && times[i]! <= to)
      .reduce((a, b) => (Number.isNaN(b) ? NaN : Math.max(a, b)), 0);
  return Object.entries(samples.rssKiB).map(([name, rss]) => {
    const earlyPeakKiB = peak(rss, 0, middle);
    const latePeakKiB = peak(rss, middle, Infinity);
    return {
      name,
      warmKiB: rss[warm]!,
      endKiB: rss[rss.length - 1]!,
      earlyPeakKiB,
      latePeakKiB,
      growth: latePeakKiB / earlyPeakKiB - 1,
    };
  });
}

/** Why a run failed: errors, dead or erroring processes, RSS growth at or over `rssLimit`. */
export function soakFailures(result: SoakResult, rssLimit: number): string[] {
  const failures: string[] = [];
  if (result.errorCount > 0)
    failures.push(`${result.errorCount} errors, first: ${result.errors.join(' | ')}`);
  for (const a of result.apps) {
    if (!a.running) failures.push(`${a.name} stopped during the run`);
    if (a.errorLines.length > 0) failures.push(`${a.name} logged errors: ${a.errorLines[0]}`);
  }
  for (const r of result.rss)
    if (!(r.growth < rssLimit))
      failures.push(
        `${r.name} RSS peak grew ${(r.growth * 100).toFixed(1)}% after warm-up (${r.earlyPeakKiB} → ${r.latePeakKiB} KiB), limit ${rssLimit * 100}%`,
      );
  for (const op of result.opNames)
    if (!result.ops.some((o) => o.op === op && o.ok > 0)) failures.push(`no ${op} succeeded`);
  return failures;
}
