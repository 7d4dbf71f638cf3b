import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ConfigError, missingPin, type SignetConfig } from '@app/platform';
import type { PublishedLogTree } from '@app/schema';
import { fingerprintOf } from '@app/signing';
import { readPublicKeyFile } from '../config/public-key-file';
import { LogTreesRepository } from './log-trees.repository';

/** Injection token of the {@link LogKeyPins} the composition root read. */
export const LOG_KEY_PINS = Symbol('LOG_KEY_PINS');

/**
 * The log keys the CA trusts (CA_LOG_PUBLIC_KEYS): SHA-256 fingerprints of their SPKI, or
 * `undefined` in development, where every `log_tree` row is taken as it is.
 */
export type LogKeyPins = ReadonlySet<string> | undefined;

/**
 * Reads CA_LOG_PUBLIC_KEYS before Nest starts. Unset, it is refused where development keys are
 * (production), and warned about elsewhere; a file that holds no key, or a block that does not
 * parse, is a {@link ConfigError} naming the variable.
 */
export function readLogKeyPins(config: SignetConfig): LogKeyPins {
  const file = config.ca.logPublicKeysFile;
  if (file === undefined) {
    const refusal = missingPin(config, 'CA_LOG_PUBLIC_KEYS');
    if (refusal !== undefined) throw new ConfigError([refusal]);
    return undefined;
  }
  return new Set(readPublicKeyFile('CA_LOG_PUBLIC_KEYS', file).map((key) => fingerprintOf(key)));
}

/**
 * The log's trees as the CA may trust them: the `log_tree` rows whose key is pinned in
 * CA_LOG_PUBLIC_KEYS. A row with any other key (which only a database write outside the log's
 * key custody can have put there) is left out of the trusted root, the signing config, TUF and
 * SCT checks, and reported once as an error. Without pins (development), every row.
 */
@Injectable()
export class LogTrees {
  private readonly logger = new Logger('LogTrees');
  private readonly reported = new Set<string>();

  constructor(
    private readonly rows: LogTreesRepository,
    @Inject(LOG_KEY_PINS) private readonly pins: LogKeyPins,
  ) {
    if (pins === undefined) {
      this.logger.warn(
        "CA_LOG_PUBLIC_KEYS is unset: the trusted root publishes every log_tree row's key as the database holds it (development only)",
      );
    }
  }

  /** Every trusted tree of the log, oldest first. */
  async all(): Promise<PublishedLogTree[]> {
    const rows = await this.rows.all();
    if (this.pins === undefined) return rows;
    const pins = this.pins;
    return rows.filter((row) => {
      // The SHA-256 of the stored DER, unparsed: only the exact SPKI of a pinned key matches.
      const fingerprint = createHash('sha256').update(row.publicKey).digest('hex');
      if (pins.has(fingerprint)) return true;
      if (!this.reported.has(fingerprint)) {
        this.reported.add(fingerprint);
        this.logger.error(
          `log_tree holds a tree (purpose ${row.purpose}) whose key ${fingerprint} is not in CA_LOG_PUBLIC_KEYS: it is not published or trusted`,
        );
      }
      return false;
    });
  }

  /** The keys of the CT trees that take entries now (not frozen): who may sign the SCTs the CA embeds. */
  async currentCtKeys(): Promise<Buffer[]> {
    return (await this.all())
      .filter((t) => t.purpose === 'ct' && t.frozenAt === null)
      .map((t) => t.publicKey);
  }
}
