import { Injectable } from '@nestjs/common';
import { parseCertificate } from '@app/signing';
import { CaCertificateRepository } from './ca-certificate.repository';
import { ChainVerifier } from './chain-verifier';

const REFRESH_MS = 5000;

/**
 * The certificates the instance's CA records in `ca_certificate` (current and retired chains),
 * re-read at most every few seconds so a CA that starts later, or rotates, is picked up. These
 * are the only issuers the CT log accepts; rows are never deleted, so every fingerprint a CT
 * entry stores stays resolvable.
 */
@Injectable()
export class InstanceCas {
  private snapshot = new ChainVerifier([]);
  private loadedAt = 0;
  private loading: Promise<ChainVerifier> | undefined;

  constructor(private readonly rows: CaCertificateRepository) {}

  /** The chain verifier of the current set (re-read when older than a few seconds). */
  verifier(): Promise<ChainVerifier> {
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

  private async current(): Promise<ChainVerifier> {
    return Date.now() - this.loadedAt < REFRESH_MS ? this.snapshot : this.refresh();
  }

  private refresh(): Promise<ChainVerifier> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<ChainVerifier> {
    const rows = await this.rows.all();
    const current = this.snapshot.certificates;
    // An unchanged set keeps its parsed certificates and what was verified about them.
    if (rows.length !== current.length || rows.some((der, i) => !der.equals(current[i]!.der))) {
      this.snapshot = new ChainVerifier(rows.map((der) => parseCertificate(new Uint8Array(der))));
    }
    this.loadedAt = Date.now();
    return this.snapshot;
  }
}
