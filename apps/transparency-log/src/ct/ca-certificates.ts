import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { parseCertificate, type ParsedCertificate } from '@app/signing';

const REFRESH_MS = 5000;

/** The instance's CA certificates, split as chain verification wants them. */
export interface CaTrust {
  /** Self-signed certificates: the trust anchors. */
  readonly roots: readonly ParsedCertificate[];
  readonly intermediates: readonly ParsedCertificate[];
}

interface Snapshot extends CaTrust {
  /** By lowercase hex SHA-256 of the DER (static-ct-api issuer fingerprint). */
  readonly byFingerprint: ReadonlyMap<string, ParsedCertificate>;
}

/** Lowercase hex SHA-256 of a certificate's DER. */
export function certificateFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/**
 * The certificates the instance's CA records in `ca_certificate` (current and retired chains),
 * re-read at most every few seconds so a CA that starts later, or rotates, is picked up. These
 * are the only issuers the CT log accepts; rows are never deleted, so every fingerprint a CT
 * entry stores stays resolvable.
 */
@Injectable()
export class CaCertificates {
  private snapshot: Snapshot = { roots: [], intermediates: [], byFingerprint: new Map() };
  private loadedAt = 0;
  private loading: Promise<Snapshot> | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** The current trust (re-read when older than a few seconds). */
  trust(): Promise<CaTrust> {
    return this.current();
  }

  /** The DER of the CA certificate with this SHA-256, re-reading once if it is not known yet. */
  async certificate(fingerprint: Uint8Array): Promise<Uint8Array | undefined> {
    const hex = Buffer.from(fingerprint).toString('hex');
    const known =
      (await this.current()).byFingerprint.get(hex) ??
      (await this.refresh()).byFingerprint.get(hex);
    return known?.der;
  }

  private async current(): Promise<Snapshot> {
    return Date.now() - this.loadedAt < REFRESH_MS ? this.snapshot : this.refresh();
  }

  private refresh(): Promise<Snapshot> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<Snapshot> {
    const rows = await this.dataSource.query<Array<{ der: Buffer }>>(
      'SELECT der FROM ca_certificate ORDER BY created_at, fingerprint',
    );
    const all = rows.map((r) => parseCertificate(new Uint8Array(r.der)));
    const roots = all.filter((c) => Buffer.from(c.subject).equals(Buffer.from(c.issuer)));
    this.snapshot = {
      roots,
      intermediates: all.filter((c) => !roots.includes(c)),
      byFingerprint: new Map(all.map((c) => [certificateFingerprint(c.der), c])),
    };
    this.loadedAt = Date.now();
    return this.snapshot;
  }
}
