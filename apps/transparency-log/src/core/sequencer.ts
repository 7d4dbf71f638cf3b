/**
 * Groups concurrent submissions into batches of at most `maxSize` items or `maxWaitMs` of
 * waiting, and integrates one batch at a time per process. Several processes each run their own
 * sequencer; the database lock on the tree head makes their batches take turns.
 */
export class Sequencer<T, R> {
  private pending: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly integrate: (items: T[]) => Promise<R[]>,
    private readonly maxSize: number,
    private readonly maxWaitMs: number,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxSize) this.schedule(0);
      else this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
    });
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), delayMs);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.running || this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.maxSize);
    this.running = true;
    this.integrate(batch.map((b) => b.item))
      .then(
        (results) => batch.forEach((b, i) => b.resolve(results[i]!)),
        (err: unknown) => batch.forEach((b) => b.reject(err)),
      )
      .finally(() => {
        this.running = false;
        // Whatever arrived meanwhile forms the next batch at once: waiting would only add latency.
        if (this.pending.length > 0) this.schedule(0);
      });
  }
}
