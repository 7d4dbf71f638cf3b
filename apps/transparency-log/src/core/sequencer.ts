interface Submission<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/**
 * Groups concurrent submissions into batches of at most `maxSize` items or `maxWaitMs` of
 * waiting, and integrates one batch at a time per process. Several processes each run their own
 * sequencer; the database lock on the tree head makes their batches take turns. A batch that
 * fails is split in halves, so that one entry that cannot be integrated fails alone.
 */
export class Sequencer<T, R> {
  private pending: Array<Submission<T, R>> = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** Submissions not settled yet: waiting, or in the batch being integrated. */
  private unsettled = 0;

  constructor(
    private readonly integrate: (items: T[]) => Promise<R[]>,
    private readonly maxSize: number,
    private readonly maxWaitMs: number,
    /**
     * At most `maxWaiting` submissions unsettled at once (each holds its item in memory); past
     * it, `submit` rejects with `full(unsettled)` instead of growing the queue.
     */
    private readonly bound: { maxWaiting: number; full: (unsettled: number) => Error } = {
      maxWaiting: Number.POSITIVE_INFINITY,
      full: (n) => new Error(`${n} submissions are waiting`),
    },
  ) {}

  submit(item: T): Promise<R> {
    if (this.unsettled >= this.bound.maxWaiting) {
      return Promise.reject(this.bound.full(this.unsettled));
    }
    this.unsettled++;
    const submitted = new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxSize) this.schedule(0);
      else this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
    });
    return submitted.finally(() => void this.unsettled--);
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
    // Neither attempt nor isolate rejects: every failure settles its submissions.
    void this.attempt(batch)
      .then((err) => (err === undefined ? undefined : this.isolate(batch, err)))
      .finally(() => {
        this.running = false;
        // Whatever arrived meanwhile forms the next batch at once: waiting would only add latency.
        if (this.pending.length > 0) this.schedule(0);
      });
  }

  /** Integrates `batch`, resolving its submissions; returns the error instead when it fails. */
  private async attempt(batch: Array<Submission<T, R>>): Promise<unknown> {
    try {
      const results = await this.integrate(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i]!));
      return undefined;
    } catch (err) {
      return err ?? new Error('integration failed');
    }
  }

  /**
   * Settles a `batch` that failed with `err` by integrating its halves apart, down to the entry
   * at fault: one bad entry among n costs 2·log2(n) more attempts. When both halves fail too, the
   * cause is not one entry (the database, the key) and the halves fail with their errors.
   */
  private async isolate(batch: Array<Submission<T, R>>, err: unknown): Promise<void> {
    if (batch.length === 1) return batch[0]!.reject(err);
    const middle = Math.ceil(batch.length / 2);
    const halves = [batch.slice(0, middle), batch.slice(middle)];
    const errors: unknown[] = [];
    for (const half of halves) errors.push(await this.attempt(half));
    if (errors.every((e) => e !== undefined)) {
      halves.forEach((half, i) => half.forEach((b) => b.reject(errors[i])));
      return;
    }
    for (const [i, half] of halves.entries()) {
      if (errors[i] !== undefined) await this.isolate(half, errors[i]);
    }
  }
}
