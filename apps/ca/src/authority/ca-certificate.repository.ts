import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type RecordedCaCertificate, recordCaCertificate } from '@app/schema';

/** The CA's write to `ca_certificate` (the table's contract is in @app/schema). */
@Injectable()
export class CaCertificateRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a CA certificate; an already recorded one is left as it is. */
  record(certificate: RecordedCaCertificate): Promise<void> {
    return recordCaCertificate(this.dataSource, certificate);
  }
}
