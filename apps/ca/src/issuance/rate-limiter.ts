import { RateLimitRepository } from './rate-limit.repository';

const WINDOW_MS = 60_000;

/**
 * Fixed-window counters per key (identity, client address): at most `limit` requests in each
 * minute, counted in Postgres, so several CA processes (CA_WORKERS, several hosts) enforce one
 * limit together rather than each its own share (Fulcio has none: fulcio#365).
 */
export class RateLimiter {
  private prunedWindow = 0;

  constructor(
    private readonly counts: Pick<RateLimitRepository, 'take' | 'prune'>,
    private readonly limitPerMinute: number,
  ) {}

  /** Counts one request for `key`; resolves to 0 when allowed, else the seconds until the next window. */
  async take(key: string, now = Date.now()): Promise<number> {
    const window = Math.floor(now / WINDOW_MS) * WINDOW_MS;
    if (window !== this.prunedWindow) {
      // Once per minute and process: windows older than the previous one are never read again.
      this.prunedWindow = window;
      await this.counts.prune(new Date(window - WINDOW_MS));
    }
    const count = await this.counts.take(key, new Date(window));
    if (count <= this.limitPerMinute) return 0;
    return Math.max(1, Math.ceil((window + WINDOW_MS - now) / 1000));
  }
}
