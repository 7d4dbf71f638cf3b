import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readCaCertificates } from '@app/schema';

/** The log's read of the CA's `ca_certificate` table (the read model is in @app/schema). */
@Injectable()
export class CaCertificateRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The DER of every recorded CA certificate, in recording order. */
  all(): Promise<Buffer[]> {
    return readCaCertificates(this.dataSource);
  }
}
