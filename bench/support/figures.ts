// The figure type every bench section returns, and the small statistics they share.

/**
 * One measured figure. `bound` is what the machine's crypto (measured in the same run) allows for
 * the same quantity, in the same unit; `ratio` is the fraction of that bound achieved (value/bound
 * for rates, bound/value for times and sizes), so 1 means "as fast as the crypto alone". A figure
 * that could not be measured has `value: null` and says why in `error`.
 */
export interface Figure {
  id: string;
  unit: string;
  value: number | null;
  bound: number | null;
  ratio: number | null;
  /** Context: the concurrency or tree size the figure was taken at, a batch size… */
  note?: string;
  error?: string;
}

/** The `[{id, unit, value}]` the older standalone benches return. */
export interface BenchResult {
  id: string;
  unit: string;
  value: number;
}

/** A figure without a bound (yet). */
export function figure(id: string, unit: string, value: number, note?: string): Figure {
  return { id, unit, value: round(value), bound: null, ratio: null, ...(note ? { note } : {}) };
}

/** A figure that could not be measured, with the reason. */
export function failed(id: string, unit: string, error: unknown): Figure {
  const message = error instanceof Error ? error.message : String(error);
  return { id, unit, value: null, bound: null, ratio: null, error: message.split('\n')[0]! };
}

/** Rounds to 3 significant decimals for small numbers, whole numbers for large ones. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
}

/** Percentile (nearest rank) of an ascending array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/** Ascending copy of `values` as a typed array (fast numeric sort). */
export function sorted(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/** Deterministic pseudo-random integers in [0, bound), so runs are comparable. */
export function sampler(seed: number): (bound: number) => number {
  let state = seed >>> 0;
  return (bound) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.floor((state / 2 ** 32) * bound);
  };
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Writes one progress line to stderr, so stdout stays the result table. */
export function progress(line: string): void {
  process.stderr.write(`[bench +${process.uptime().toFixed(0)}s] ${line}\n`);
}
