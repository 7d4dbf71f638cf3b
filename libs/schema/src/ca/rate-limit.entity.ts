import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How many certificate requests one key (an identity, a client address) made in one minute,
 * counted by every CA process together. UNLOGGED: a crash may forget a minute of counts, which
 * only errs towards allowing. Keys are stored as SHA-256, so neither e-mails nor addresses sit here.
 */
@Entity('rate_limit_window')
export class RateLimitWindow {
  @PrimaryColumn({
    name: 'key_sha256',
    type: 'bytea',
    primaryKeyConstraintName: 'PK_rate_limit_window',
  })
  keySha256!: Buffer;

  @PrimaryColumn({
    name: 'window_start',
    type: 'timestamptz',
    primaryKeyConstraintName: 'PK_rate_limit_window',
  })
  windowStart!: Date;

  @Column({ type: 'integer' })
  count!: number;
}
