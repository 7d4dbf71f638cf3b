/* JSON over HTTP to the CA, the log and CI token endpoints, with failures mapped to exit codes. */
import type { CliContext } from './context';
import { CliError, ExitCode, exitCodeForStatus } from './exit-codes';

const TIMEOUT_MS = 30_000;

/**
 * Fetches `url` and returns its JSON body. Throws {@link CliError}: exit 4 when the service cannot
 * be reached or times out; for an error status, the code of {@link exitCodeForStatus} with the
 * service's own `message` when it sends one; exit 2 when a 2xx body is not JSON. `what` names
 * the request in messages ("trusted root", "log entry").
 */
export async function requestJson<T>(
  ctx: CliContext,
  what: string,
  url: string,
  init: RequestInit = {},
): Promise<T> {
  return (await requestJsonPage<T>(ctx, what, url, init)).body;
}

/**
 * {@link requestJson}, with the URL of the next page when the answer names one in an RFC 8288
 * `Link: <URL>; rel="next"` header, resolved against `url`. Exit 2 when that URL is on another
 * origin: a page of this service never continues elsewhere.
 */
export async function requestJsonPage<T>(
  ctx: CliContext,
  what: string,
  url: string,
  init: RequestInit = {},
): Promise<{ body: T; next?: string }> {
  let res: Response;
  try {
    res = await ctx.fetch(url, {
      ...init,
      headers: { accept: 'application/json', ...init.headers },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new CliError(
      ExitCode.unavailable,
      `${what}: cannot reach ${new URL(url).origin} (${networkReason(err)})`,
      { cause: err },
    );
  }
  const text = await res.text();
  if (!res.ok) {
    throw new CliError(
      exitCodeForStatus(res.status),
      `${what}: ${url} answered ${res.status}${serviceMessage(text)}`,
    );
  }
  let body: T;
  try {
    body = JSON.parse(text) as T;
  } catch (err) {
    throw new CliError(ExitCode.error, `${what}: ${url} did not answer JSON`, { cause: err });
  }
  const link = /<([^>]*)>\s*;\s*rel="?next"?(?:\s*[;,]|\s*$)/.exec(res.headers.get('link') ?? '');
  if (link === null) return { body };
  const next = new URL(link[1]!, url);
  if (next.origin !== new URL(url).origin) {
    throw new CliError(ExitCode.error, `${what}: ${url} names a next page on another origin`);
  }
  return { body, next: next.href };
}

/**
 * Fetches `url` and returns its body as bytes (a tile, a checkpoint note), with the failures of
 * {@link requestJson} mapped the same way. Bodies above `maxBytes` are refused (exit 2).
 */
export async function requestBytes(
  ctx: CliContext,
  what: string,
  url: string,
  maxBytes = 1 << 20,
): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await ctx.fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new CliError(
      ExitCode.unavailable,
      `${what}: cannot reach ${new URL(url).origin} (${networkReason(err)})`,
      { cause: err },
    );
  }
  const body = new Uint8Array(await res.arrayBuffer());
  if (!res.ok) {
    throw new CliError(
      exitCodeForStatus(res.status),
      `${what}: ${url} answered ${res.status}${serviceMessage(Buffer.from(body).toString('utf8'))}`,
    );
  }
  if (body.length > maxBytes) {
    throw new CliError(ExitCode.error, `${what}: ${url} answered more than ${maxBytes} bytes`);
  }
  return body;
}

/** Why a fetch failed, from undici's cause chain (ECONNREFUSED, ENOTFOUND, a timeout). */
function networkReason(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return `no answer in ${TIMEOUT_MS} ms`;
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

function serviceMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' ? `: ${message}` : '';
  } catch {
    return '';
  }
}
