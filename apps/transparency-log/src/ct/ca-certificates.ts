import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { parseCertificate } from '@app/signing';
import { CaTrust } from './ca-trust';

const REFRESH_MS = 5000;

/**
 * The certificates the instance's CA records in `ca_certificate` (current and retired chains),
 * re-read at most every few seconds so a CA that starts later, or rotates, is picked up. These
 * are the only issuers the CT log accepts; rows are never deleted, so every fingerprint a CT
 * entry stores stays resolvable.
 */
@Injectable()
export class CaCertificates {
  private snapshot = new CaTrust([]);
  private loadedAt = 0;
  private loading: Promise<CaTrust> | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** The current trust (re-read when older than a few seconds). */
  trust(): Promise<CaTrust> {
    return this.current();
  }

  /** The DER of the CA certificate with this SHA-256, re-reading once if it is not known yet. */
  async certificate(fingerprint: Uint8Array): Promise<Uint8Array | undefined> {
    const hex = Buffer.from(fingerprint).toString('hex');
    const known =
      (await this.current()).certificateWithFingerprint(hex) ??
      (await this.refresh()).certificateWithFingerprint(hex);
    return known?.der;
  }

  private async current(): Promise<CaTrust> {
    return Date.now() - this.loadedAt < REFRESH_MS ? this.snapshot : this.refresh();
  }

  private refresh(): Promise<CaTrust> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<CaTrust> {
    const rows = await this.dataSource.query<Array<{ der: Buffer }>>(
      'SELECT der FROM ca_certificate ORDER BY created_at, fingerprint',
    );
    const current = this.snapshot.certificates;
    // An unchanged set keeps its parsed certificates and what was verified about them.
    if (rows.length !== current.length || rows.some((r, i) => !r.der.equals(current[i]!.der))) {
      this.snapshot = new CaTrust(rows.map((r) => parseCertificate(new Uint8Array(r.der))));
    }
    this.loadedAt = Date.now();
    return this.snapshot;
  }
}
