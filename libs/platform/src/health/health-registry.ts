import { Injectable } from '@nestjs/common';

/** What one health check found: a failure makes `/healthz` answer 503, a warning is only shown. */
export interface HealthFinding {
  failure?: string;
  warning?: string;
}

/** A check an app adds to `/healthz`; its messages are public, so they name no internals. */
export type HealthCheck = (now: Date) => HealthFinding | Promise<HealthFinding>;

/**
 * The app's own health checks beside the database's (for the CA: its issuing chain and its TUF
 * root are still valid). Services register theirs once they are ready.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks: HealthCheck[] = [];

  register(check: HealthCheck): void {
    this.checks.push(check);
  }

  async run(now: Date): Promise<{ failures: string[]; warnings: string[] }> {
    const findings = await Promise.all(this.checks.map(async (check) => check(now)));
    return {
      failures: findings.flatMap((f) => (f.failure === undefined ? [] : [f.failure])),
      warnings: findings.flatMap((f) => (f.warning === undefined ? [] : [f.warning])),
    };
  }
}
