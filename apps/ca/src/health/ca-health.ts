import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HealthRegistry, type HealthFinding } from '@app/platform';
import { describeCertificate, type ParsedCertificate, parseTufRoot } from '@app/signing';
import { CaChainService } from '../authority/ca-chain.service';
import { TimestampService } from '../timestamp/timestamp.service';
import { TufRepositoryService } from '../tuf/tuf-repository.service';

/** How early `/healthz` warns of an expiry to come. */
const WARN_MS = 30 * 86_400_000;

/** When `what` stops being valid at `notAfter`: a failure once past, a warning within 30 days. */
export function expiryFinding(what: string, notAfter: Date, now: Date): HealthFinding {
  const left = notAfter.getTime() - now.getTime();
  if (left < 0) return { failure: `${what} expired at ${notAfter.toISOString()}` };
  if (left < WARN_MS) return { warning: `${what} expires at ${notAfter.toISOString()}` };
  return {};
}

/**
 * The CA's own checks in `/healthz` (security review L4, L5d): its issuing chain (it can issue
 * nothing that verifies once a certificate of it has expired or is not yet valid), the TSA's
 * chain (likewise for timestamps) and the newest TUF root (clients refuse an expired one); each
 * warns 30 days ahead.
 */
@Injectable()
export class CaHealthChecks implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly ca: CaChainService,
    private readonly tuf: TufRepositoryService,
    private readonly timestamps: TimestampService,
  ) {}

  onModuleInit(): void {
    this.registry.register((now) => chainFindings('CA certificate', this.ca.chain, now));
    // Tokens from an expired TSA certificate do not verify: as for the CA's chain.
    this.registry.register((now) => chainFindings('TSA certificate', this.timestamps.chain, now));
    this.registry.register((now) => {
      const root = parseTufRoot(this.tuf.latestRoot());
      return expiryFinding(
        `TUF root version ${root.signed.version}`,
        new Date(root.signed.expires),
        now,
      );
    });
  }
}

/** Each certificate of `chain` not yet valid (a failure) or expiring (see {@link expiryFinding}). */
export function chainFindings(
  what: string,
  chain: readonly ParsedCertificate[],
  now: Date,
): HealthFinding {
  const findings = chain.map((c) =>
    c.notBefore.getTime() > now.getTime()
      ? {
          failure: `${what} ${describeCertificate(c)} is not valid before ${c.notBefore.toISOString()}`,
        }
      : expiryFinding(`${what} ${describeCertificate(c)}`, c.notAfter, now),
  );
  return {
    failure: join(findings.map((f) => f.failure)),
    warning: join(findings.map((f) => f.warning)),
  };
}

function join(parts: Array<string | undefined>): string | undefined {
  const present = parts.filter((p): p is string => p !== undefined);
  return present.length === 0 ? undefined : present.join('; ');
}
