import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type InstanceCaCertificate, readCaCertificates } from '@app/schema';

/** The log's read of the CA's `ca_certificate` table (the read model is in @app/schema). */
@Injectable()
export class CaCertificateRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every recorded CA certificate, in recording order, and whether it is distrusted. */
  all(): Promise<InstanceCaCertificate[]> {
    return readCaCertificates(this.dataSource);
  }
}
