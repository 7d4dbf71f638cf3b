/* How much `signet log audit` reads over HTTP: capped answers, a few requests at a time. */

/** Largest answers the audit reads: a full hash tile, a full entry bundle, a signed note. */
export const MAX_BYTES = {
  tile: 256 * 32,
  bundle: 256 * (2 + 0xffff),
  note: 64 * 1024,
} as const;

/** Runs at most `limit` tasks at once, in the order they were asked for. */
export class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((go) => this.waiting.push(go));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
