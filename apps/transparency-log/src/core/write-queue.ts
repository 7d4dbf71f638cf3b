import { Inject, Injectable } from '@nestjs/common';
import { SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import type { TreePurpose } from '@app/schema';
import { LogError } from '../errors';
import type { Integrated, PreparedEntry } from './entry';
import { TreeRegistry } from './tree-registry.service';

/**
 * The way in for new entries: at most `LOG_QUEUE_MAX_ENTRIES` entries per tree purpose wait in
 * this process for their batch (each holds its body, up to `LOG_MAX_BODY_BYTES`). Past it the log
 * answers 503 with `Retry-After` instead of growing its memory while a slow database or a
 * burst of writers keeps the sequencer behind.
 */
@Injectable()
export class WriteQueue {
  private readonly waiting = new Map<TreePurpose, number>();
  private readonly max: number;

  constructor(
    private readonly trees: TreeRegistry,
    @Inject(SIGNET_CONFIG) config: Pick<SignetConfig, 'log'>,
  ) {
    this.max = config.log.queueMaxEntries;
  }

  /**
   * Queues `entry` for the active tree of `purpose`; resolves once its batch is committed.
   *
   * @throws LogError `UNAVAILABLE` (retry after a second) when the queue of `purpose` is full.
   */
  async append(entry: PreparedEntry, purpose: TreePurpose): Promise<Integrated> {
    const count = this.waiting.get(purpose) ?? 0;
    if (count >= this.max) {
      throw new LogError(
        'UNAVAILABLE',
        `the log has ${count} entries waiting to be integrated (LOG_QUEUE_MAX_ENTRIES); retry later`,
        undefined,
        { retryAfterSeconds: 1 },
      );
    }
    this.waiting.set(purpose, count + 1);
    try {
      return await this.trees.append(entry, purpose);
    } finally {
      this.waiting.set(purpose, (this.waiting.get(purpose) ?? 1) - 1);
    }
  }
}
