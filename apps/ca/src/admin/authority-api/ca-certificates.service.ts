import { Injectable } from '@nestjs/common';
import { caCertificateFingerprint } from '@app/schema';
import { describeCertificate, parseCertificate } from '@app/signing';
import { CaCertificateRepository } from '../../authority/ca-certificate.repository';
import { CaChainService } from '../../authority/ca-chain.service';
import { CaError } from '../../errors';
import { AdminAuditLog } from '../audit/admin-audit';
import type { AdminPrincipal } from '../auth/principal';

/** One CA certificate as the admin API lists it. */
export interface CaCertificateView {
  readonly fingerprint: string;
  readonly subject: string;
  readonly isRoot: boolean;
  readonly notAfter: string;
  /** In the chain this CA issues under now. */
  readonly current: boolean;
  readonly distrust: { readonly reason: string; readonly at: string } | null;
}

/**
 * CA retirement from the admin API (owner): what `signet ca distrust` does on the server, with
 * the distrust and its audit row in one transaction. The chain this CA issues under cannot be
 * distrusted here: every certificate it issued afterwards would be refused by the log.
 */
@Injectable()
export class CaCertificatesService {
  constructor(
    private readonly certificates: CaCertificateRepository,
    private readonly ca: CaChainService,
    private readonly audit: AdminAuditLog,
  ) {}

  async list(): Promise<CaCertificateView[]> {
    const current = new Set(this.ca.chainDer.map((der) => caCertificateFingerprint(der)));
    return (await this.certificates.list()).map((c) => ({
      fingerprint: c.fingerprint,
      subject: describeCertificate(parseCertificate(c.der)),
      isRoot: c.isRoot,
      notAfter: c.notAfter.toISOString(),
      current: current.has(c.fingerprint),
      distrust:
        c.distrust === undefined
          ? null
          : { reason: c.distrust.reason, at: c.distrust.at.toISOString() },
    }));
  }

  /**
   * @throws CaError INVALID_REQUEST (a malformed fingerprint or no reason), NOT_FOUND (never
   *   recorded), CONFLICT (in the current chain, or already distrusted); nothing is written then.
   */
  async distrust(
    fingerprint: string,
    reason: unknown,
    principal: AdminPrincipal,
    request: { requestId?: string; clientAddress?: string },
  ): Promise<CaCertificateView> {
    if (!/^[0-9a-f]{64}$/.test(fingerprint)) {
      throw new CaError(
        'INVALID_REQUEST',
        'fingerprint: must be 64 lowercase hex digits (SHA-256)',
      );
    }
    if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 1000) {
      throw new CaError('INVALID_REQUEST', 'reason: required, 1-1000 characters');
    }
    if (this.ca.chainDer.some((der) => caCertificateFingerprint(der) === fingerprint)) {
      throw new CaError(
        'CONFLICT',
        `${fingerprint} is in the chain this CA issues under: configure the new CA_KEY and CA_CHAIN first, then distrust it`,
      );
    }
    const outcome = await this.certificates.distrust(fingerprint, reason.trim(), (m) =>
      this.audit.record(
        {
          action: 'ca.distrust',
          outcome: 'success',
          principal,
          target: fingerprint,
          reason: reason.trim(),
          httpStatus: 200,
          ...request,
        },
        m,
      ),
    );
    switch (outcome) {
      case 'unknown':
        throw new CaError(
          'NOT_FOUND',
          `no CA certificate with SHA-256 ${fingerprint} was recorded`,
        );
      case 'already':
        throw new CaError('CONFLICT', `${fingerprint} is already distrusted`);
      case 'distrusted':
        return (await this.list()).find((c) => c.fingerprint === fingerprint)!;
    }
  }
}
