/* Where the monitor's events go: one JSON line each on stdout, and the same JSON POSTed to a
   webhook when one is configured. A webhook that fails is reported, never fatal: the line on
   stdout and the exit code still carry the alert. */
import type { CliContext } from '../../cli/context';
import { usageError } from '../../cli/exit-codes';
import { baseUrl, isSecureUrl } from '../../cli/options';
import type { MonitorEvent } from './monitor-step';

const WEBHOOK_TIMEOUT_MS = 10_000;

/** Checks a webhook URL: https, or http to a loopback host (usage error otherwise). */
export function webhookUrl(text: string): string {
  const url = baseUrl('--webhook', text);
  if (!isSecureUrl(url)) {
    throw usageError(`--webhook ${url} is plain http to a host that is not loopback; use https`);
  }
  return new URL(text).href;
}

/** Sends each event to stdout and, when `webhook` is set, POSTs it there. */
export class Alerts {
  constructor(
    private readonly ctx: CliContext,
    private readonly webhook: string | undefined,
  ) {}

  async emit(event: MonitorEvent): Promise<void> {
    const line = JSON.stringify(event);
    this.ctx.print(line);
    if (this.webhook === undefined) return;
    try {
      const res = await this.ctx.fetch(this.webhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: line,
        redirect: 'error',
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await res.arrayBuffer();
      if (!res.ok) this.ctx.status(`warning: webhook ${this.webhook} answered ${res.status}`);
    } catch (err) {
      const cause = (err as { cause?: { code?: unknown } }).cause?.code;
      this.ctx.status(
        `warning: webhook ${this.webhook} failed: ${typeof cause === 'string' ? cause : (err as Error).message}`,
      );
    }
  }
}
