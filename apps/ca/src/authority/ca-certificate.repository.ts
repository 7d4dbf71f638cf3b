import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  distrustCaCertificate,
  type ListedCaCertificate,
  listCaCertificates,
  type RecordedCaCertificate,
  recordCaCertificate,
} from '@app/schema';

/** The CA's reads and writes of `ca_certificate` and `ca_certificate_distrust` (@app/schema). */
@Injectable()
export class CaCertificateRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a CA certificate; an already recorded one is left as it is. */
  record(certificate: RecordedCaCertificate): Promise<void> {
    return recordCaCertificate(this.dataSource, certificate);
  }

  /** Every recorded CA certificate, oldest first, with its distrust if any. */
  list(): Promise<ListedCaCertificate[]> {
    return listCaCertificates(this.dataSource);
  }

  /**
   * Distrusts `fingerprint` and runs `also` (the audit row) in the same transaction; `unknown` or
   * `already` write nothing.
   */
  distrust(
    fingerprint: string,
    reason: string,
    also: (m: EntityManager) => Promise<void>,
  ): Promise<'distrusted' | 'already' | 'unknown'> {
    return this.dataSource.transaction(async (m) => {
      const outcome = await distrustCaCertificate(m, fingerprint, reason);
      if (outcome === 'distrusted') await also(m);
      return outcome;
    });
  }
}
