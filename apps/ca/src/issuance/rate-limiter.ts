/**
 * Fixed-window counters per key (identity, client address), per process: at most `limit` in
 * each minute. Several CA processes each enforce their own share (Fulcio has none: fulcio#365).
 */
export class RateLimiter {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(private readonly limitPerMinute: number) {}

  /** Counts one request for `key`; returns 0 when allowed, else the seconds until the next window. */
  take(key: string, now = Date.now()): number {
    const window = Math.floor(now / 60_000) * 60_000;
    if (window !== this.windowStart) {
      this.windowStart = window;
      this.counts = new Map();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    if (count > this.limitPerMinute) return Math.max(1, Math.ceil((window + 60_000 - now) / 1000));
    this.counts.set(key, count);
    return 0;
  }
}
