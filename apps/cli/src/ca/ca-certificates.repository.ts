import type { DataSource } from 'typeorm';
import { openInstanceDatabase } from '../cli/instance-database.repository';
import { distrustCaCertificate, listCaCertificates, type ListedCaCertificate } from '@app/schema';

/** The instance's `ca_certificate` and `ca_certificate_distrust`, as an administrator edits them. */
export class CaCertificatesRepository {
  private constructor(private readonly dataSource: DataSource) {}

  /** Connects to `url` (the schema owner's, to distrust). */
  static async open(url: string): Promise<CaCertificatesRepository> {
    return new CaCertificatesRepository(await openInstanceDatabase(url));
  }

  list(): Promise<ListedCaCertificate[]> {
    return listCaCertificates(this.dataSource);
  }

  distrust(fingerprint: string, reason: string): Promise<'distrusted' | 'already' | 'unknown'> {
    return distrustCaCertificate(this.dataSource, fingerprint, reason);
  }

  close(): Promise<void> {
    return this.dataSource.destroy();
  }
}
