import { Inject, Injectable, Logger } from '@nestjs/common';
import { parseCertificate, type ParsedCertificate } from '@app/signing';
import { LOG_WRITE_SETTINGS, type LogWriteSettings } from '../../config/log-file.config';
import { caCertificateFingerprint, type InstanceCaCertificate } from '@app/schema';
import { CaCertificateRepository } from './ca-certificate.repository';
import { ChainVerifier } from './chain-verifier';

const REFRESH_MS = 5000;

/**
 * The certificates the instance's CA records in `ca_certificate` (current and retired chains),
 * re-read at most every few seconds so a CA that starts later, or rotates, or a certificate an
 * administrator distrusts, is picked up. The ones not distrusted are the only issuers the CT log
 * accepts and the instance's own for write authorization; rows are never deleted, so every
 * fingerprint a CT entry stores stays resolvable.
 */
@Injectable()
export class InstanceCas {
  private snapshot = new ChainVerifier([]);
  /** Every recorded certificate by fingerprint, distrusted ones included (CT entries name them). */
  private recorded = new Map<string, Uint8Array>();
  private rowsLoaded: readonly InstanceCaCertificate[] = [];
  private loadedAt = 0;
  private loading: Promise<ChainVerifier> | undefined;

  private readonly logger = new Logger('InstanceCas');
  private readonly reported = new Set<string>();
  private readonly pinnedRoots: ReadonlySet<string> | undefined;

  constructor(
    private readonly rows: CaCertificateRepository,
    @Inject(LOG_WRITE_SETTINGS) settings: LogWriteSettings,
  ) {
    this.pinnedRoots = settings.instanceCaRoots;
    if (this.pinnedRoots === undefined) {
      this.logger.warn(
        'LOG_CA_ROOTS is unset: every root certificate recorded in ca_certificate is trusted as the database holds it (development only)',
      );
    }
  }

  /** The chain verifier of the current set (re-read when older than a few seconds). */
  verifier(): Promise<ChainVerifier> {
    return this.current();
  }

  /**
   * The DER of the recorded CA certificate with this SHA-256, distrusted or not (an entry logged
   * before a distrust still names it), re-reading once if it is not known yet.
   */
  async certificate(fingerprint: Uint8Array): Promise<Uint8Array | undefined> {
    const hex = Buffer.from(fingerprint).toString('hex');
    await this.current();
    if (!this.recorded.has(hex)) await this.refresh();
    return this.recorded.get(hex);
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
    const before = this.rowsLoaded;
    // An unchanged set keeps its parsed certificates and what was verified about them.
    const changed =
      rows.length !== before.length ||
      rows.some((r, i) => r.distrusted !== before[i]!.distrusted || !r.der.equals(before[i]!.der));
    if (changed) {
      // A distrusted certificate is not in the verifier at all: no chain can run through it.
      this.snapshot = new ChainVerifier(
        rows
          .filter((r) => !r.distrusted)
          .map((r) => parseCertificate(new Uint8Array(r.der)))
          .filter((c) => this.pinned(c)),
      );
      this.recorded = new Map(rows.map((r) => [caCertificateFingerprint(r.der), r.der]));
      this.rowsLoaded = rows;
    }
    this.loadedAt = Date.now();
    return this.snapshot;
  }

  /**
   * Whether a recorded certificate may be in the verifier: intermediates always (a path must still
   * end at a root), roots only when LOG_CA_ROOTS pins them. An unpinned root (which only a
   * database write outside the CA's key custody can have put there) is reported once.
   */
  private pinned(certificate: ParsedCertificate): boolean {
    if (this.pinnedRoots === undefined) return true;
    if (!Buffer.from(certificate.subject).equals(Buffer.from(certificate.issuer))) return true;
    const fingerprint = caCertificateFingerprint(certificate.der);
    if (this.pinnedRoots.has(fingerprint)) return true;
    if (!this.reported.has(fingerprint)) {
      this.reported.add(fingerprint);
      this.logger.error(
        `ca_certificate holds a root ${fingerprint} that is not in LOG_CA_ROOTS: chains to it are refused`,
      );
    }
    return false;
  }
}
