import { LogError } from '../errors';
import { Sequencer } from './sequencer';

/** Settles every submission of `items` in one batch; returns each outcome and the batches tried. */
async function run(items: string[], integrate: (batch: string[]) => string[]) {
  const batches: string[][] = [];
  const sequencer = new Sequencer<string, string>(
    (batch) => {
      batches.push(batch);
      try {
        return Promise.resolve(integrate(batch));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
    items.length,
    1000,
  );
  const outcomes = await Promise.allSettled(items.map((item) => sequencer.submit(item)));
  return {
    outcomes: outcomes.map((o) =>
      o.status === 'fulfilled' ? o.value : `rejected: ${(o.reason as Error).message}`,
    ),
    batches,
  };
}

describe(Sequencer.name, () => {
  it('integrates a full batch at once', async () => {
    const { outcomes, batches } = await run(['a', 'b'], (b) => b.map((x) => `${x}!`));
    expect(outcomes).toEqual(['a!', 'b!']);
    expect(batches).toEqual([['a', 'b']]);
  });

  it('isolates the one entry that fails its batch: the others are integrated', async () => {
    const items = ['a', 'b', 'c', 'bad', 'e', 'f', 'g', 'h'];
    const { outcomes, batches } = await run(items, (batch) => {
      if (batch.includes('bad')) throw new Error('bad entry');
      return batch.map((x) => `${x}!`);
    });
    expect(outcomes).toEqual(['a!', 'b!', 'c!', 'rejected: bad entry', 'e!', 'f!', 'g!', 'h!']);
    // The batch, then halves down to the bad entry: 1 + 2 log2(8) attempts, not one per entry.
    expect(batches).toHaveLength(7);
  });

  it('gives up splitting when both halves fail too: a failure of every entry costs three attempts', async () => {
    const { outcomes, batches } = await run(['a', 'b', 'c', 'd'], () => {
      throw new Error('database down');
    });
    expect(outcomes).toEqual(Array(4).fill('rejected: database down'));
    expect(batches).toEqual([
      ['a', 'b', 'c', 'd'],
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });
});

describe('Sequencer bound', () => {
  it('refuses, as UNAVAILABLE with Retry-After, an entry beyond the bound, until one is done', async () => {
    const pending: Array<(r: string[]) => void> = [];
    const full = (n: number) =>
      new LogError(
        'UNAVAILABLE',
        `the log has ${n} entries waiting to be integrated (LOG_QUEUE_MAX_ENTRIES); retry later`,
        undefined,
        { retryAfterSeconds: 1 },
      );
    // One batch per entry, each settled when the test says so.
    const sequencer = () =>
      new Sequencer<string, string>(
        () => new Promise<string[]>((resolve) => pending.push(resolve)),
        1,
        0,
        { maxWaiting: 2, full },
      );
    const artifact = sequencer();
    const first = artifact.submit('a');
    const second = artifact.submit('b');
    let refused: unknown;
    try {
      await artifact.submit('c');
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(LogError);
    expect(refused).toMatchObject({
      code: 'UNAVAILABLE',
      retryAfterSeconds: 1,
      message:
        'the log has 2 entries waiting to be integrated (LOG_QUEUE_MAX_ENTRIES); retry later',
    });
    // Another purpose has its own sequencer, and so its own bound.
    void sequencer().submit('x');
    await new Promise((r) => setTimeout(r, 5));
    pending[0]!(['a']);
    await first;
    const third = artifact.submit('d');
    while (pending.length < 3) await new Promise((r) => setTimeout(r, 5));
    pending[2]!(['b']);
    while (pending.length < 4) await new Promise((r) => setTimeout(r, 5));
    pending[3]!(['d']);
    await expect(Promise.all([second, third])).resolves.toEqual(['b', 'd']);
  });
});
