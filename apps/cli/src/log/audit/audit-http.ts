/* Bytes over HTTP for `signet log audit`: capped answers, a few requests at a time. */
import type { CliContext } from '../../cli/context';
import { CliError, ExitCode, exitCodeForStatus } from '../../cli/exit-codes';

const TIMEOUT_MS = 30_000;

/** Largest answers the audit reads: a full hash tile, a full entry bundle, a signed note. */
export const MAX_BYTES = {
  tile: 256 * 32,
  bundle: 256 * (2 + 0xffff),
  note: 64 * 1024,
  json: 1024 * 1024,
} as const;

/** Runs at most `limit` tasks at once, in the order they were asked for. */
export class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((go) => this.waiting.push(go));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * GETs `url` and returns its body, or undefined for a 404 when `missingOk`. Throws CliError: exit
 * 4 when unreachable (or 5xx/429), 2 for another status or a body over `maxBytes`; `what` names
 * the resource in messages.
 */
export async function getBytes(
  ctx: CliContext,
  what: string,
  url: string,
  maxBytes: number,
  missingOk = false,
): Promise<Uint8Array | undefined> {
  let res: Response;
  try {
    res = await ctx.fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new CliError(
      ExitCode.unavailable,
      `${what}: cannot reach ${new URL(url).origin} (${(err as Error).message})`,
      { cause: err },
    );
  }
  if (res.status === 404 && missingOk) {
    await res.body?.cancel();
    return undefined;
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new CliError(exitCodeForStatus(res.status), `${what}: ${url} answered ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw tooLarge(what, url, maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body ?? []) {
    total += (chunk as Uint8Array).length;
    if (total > maxBytes) throw tooLarge(what, url, maxBytes);
    chunks.push(chunk as Uint8Array);
  }
  return Buffer.concat(chunks);
}

/** {@link getBytes} of a JSON answer. */
export async function getJson<T>(ctx: CliContext, what: string, url: string): Promise<T> {
  const bytes = (await getBytes(ctx, what, url, MAX_BYTES.json))!;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  } catch (err) {
    throw new CliError(ExitCode.error, `${what}: ${url} did not answer JSON`, { cause: err });
  }
}

function tooLarge(what: string, url: string, maxBytes: number): CliError {
  return new CliError(ExitCode.error, `${what}: ${url} answered more than ${maxBytes} bytes`);
}
