import type { SignetConfig } from '@app/platform';
import { LogError } from '../errors';
import type { Integrated, PreparedEntry } from './entry';
import type { TreeRegistry } from './tree-registry.service';
import { WriteQueue } from './write-queue';

const entry = { body: Buffer.from('x') } as PreparedEntry;

describe(WriteQueue.name, () => {
  it('refuses, as UNAVAILABLE with Retry-After, an entry beyond the bound, until one is done', async () => {
    const pending: Array<(r: Integrated) => void> = [];
    const trees = {
      append: () => new Promise<Integrated>((resolve) => pending.push(resolve)),
    } as unknown as TreeRegistry;
    const queue = new WriteQueue(trees, { log: { queueMaxEntries: 2 } as SignetConfig['log'] });
    const first = queue.append(entry, 'artifact');
    const second = queue.append(entry, 'artifact');
    let refused: unknown;
    try {
      await queue.append(entry, 'artifact');
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
    // Another purpose has its own queue.
    void queue.append(entry, 'ct');
    pending[0]!({ duplicate: false, leafIndex: 0n });
    await first;
    const third = queue.append(entry, 'artifact');
    pending.slice(1).forEach((resolve) => resolve({ duplicate: false, leafIndex: 1n }));
    pending[3]!({ duplicate: false, leafIndex: 2n });
    await expect(Promise.all([second, third])).resolves.toHaveLength(2);
  });
});
