import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';

const SQL = {
  take: `INSERT INTO rate_limit_window (key_sha256, window_start, count) VALUES ($1, $2, 1)
    ON CONFLICT (key_sha256, window_start) DO UPDATE SET count = rate_limit_window.count + 1
    RETURNING count`,
  prune: 'DELETE FROM rate_limit_window WHERE window_start < $1',
} as const;

/** `rate_limit_window`: per-minute request counts shared by every CA process. */
@Injectable()
export class RateLimitRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Counts one request for `key` in the window starting at `windowStart`; returns the count. */
  async take(key: string, windowStart: Date): Promise<number> {
    const digest = createHash('sha256').update(key).digest();
    const rows = await this.dataSource.query<Array<{ count: number }>>(SQL.take, [
      digest,
      windowStart,
    ]);
    return rows[0]!.count;
  }

  /** Forgets the windows that started before `before`. */
  async prune(before: Date): Promise<void> {
    await this.dataSource.query(SQL.prune, [before]);
  }
}
