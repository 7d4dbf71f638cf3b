import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaError } from '../errors';

const DAY_MS = 86_400_000;
/** A new targets version at least this often, so that its expiry never comes close. */
const TARGETS_REFRESH_MS = 7 * DAY_MS;

const SELECT_LATEST =
  'SELECT version, targets_sha256, created_at FROM tuf_targets_version ORDER BY version DESC LIMIT 1';
const INSERT_NEXT = `INSERT INTO tuf_targets_version (version, targets_sha256) VALUES ($1, $2)
  ON CONFLICT (version) DO NOTHING RETURNING version, created_at`;

export interface TargetsVersion {
  version: number;
  createdAt: Date;
}

/**
 * `tuf_targets_version`: the version numbers of the CA's TUF targets and snapshot metadata, shared
 * by every CA process so that they sign the same version for the same content. Append-only.
 */
@Injectable()
export class TufTargetsVersionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The targets version for a set of targets: the newest row when it lists the same digest and is
   * fresh, else the next version (two processes racing insert the same number; one wins).
   */
  async versionFor(digest: Buffer, now: number): Promise<TargetsVersion> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const [latest] =
        await this.dataSource.query<
          Array<{ version: number; targets_sha256: Buffer; created_at: Date }>
        >(SELECT_LATEST);
      if (
        latest !== undefined &&
        latest.targets_sha256.equals(digest) &&
        now - latest.created_at.getTime() < TARGETS_REFRESH_MS
      ) {
        return { version: latest.version, createdAt: latest.created_at };
      }
      const inserted = await this.dataSource.query<Array<{ version: number; created_at: Date }>>(
        INSERT_NEXT,
        [(latest?.version ?? 0) + 1, digest],
      );
      const row = inserted[0];
      if (row !== undefined) return { version: row.version, createdAt: row.created_at };
    }
    throw new CaError('UNAVAILABLE', 'TUF targets version: too many concurrent updates, retry');
  }
}
