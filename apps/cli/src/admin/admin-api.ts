/* The CA's admin API (`/api/admin/v1/`), as `signet admin` uses it, with an API token. */
import type { CliContext } from '../cli/context';
import { CliError, ExitCode, exitCodeForStatus, usageError } from '../cli/exit-codes';
import { readInput } from '../cli/files';
import { requestJson } from '../cli/http';

/** Options of `signet admin` commands that talk to the admin API. */
export const adminTokenOptions = { 'token-file': { type: 'string' } } as const;

/** A log entry of a policy version, as the CA records it. */
export interface VersionLogRef {
  uuid: string;
  logIndex: number;
  integratedTime: number;
}

/** `GET /api/admin/v1/policy/versions` items. */
export interface VersionSummary {
  version: number;
  digest: string;
  previous: string | null;
  createdAt: string;
  reason: string;
  log: VersionLogRef | null;
}

/** `GET /api/admin/v1/policy/versions/{v}`. */
export interface VersionDetail {
  version: number;
  digest: string;
  previous: string | null;
  /** Base64 of the exact JCS bytes. */
  snapshotBytes: string;
  log: VersionLogRef | null;
}

/** `GET /api/admin/v1/policy`. */
export interface CurrentPolicy {
  version: number;
  digest: string;
  source: string;
  issuers: unknown[];
  rules: unknown[];
}

/** A page of versions, and pages at most: more than this many versions is refused. */
const PAGE = 100;
const MAX_PAGES = 10_000;

/**
 * The admin API token: `SIGNET_ADMIN_TOKEN`, else the first line of `--token-file`. Usage error
 * when there is neither (a token is never taken from the command line, where `ps` shows it).
 */
export async function adminToken(ctx: CliContext, file: string | undefined): Promise<string> {
  if (file !== undefined)
    return (await readInput(file, 'admin token file')).toString('utf8').trim();
  const token = ctx.env.SIGNET_ADMIN_TOKEN;
  if (token === undefined || token === '') {
    throw usageError(
      'an admin API token is needed: set SIGNET_ADMIN_TOKEN or pass --token-file FILE',
    );
  }
  return token;
}

/** A client of one CA's admin API. */
export class AdminApi {
  private readonly base: string;

  constructor(
    private readonly ctx: CliContext,
    caUrl: string,
    private readonly token: string,
  ) {
    this.base = `${caUrl}/api/admin/v1`;
  }

  /** Every policy version the CA lists, oldest first, following `before` pages. */
  async versions(): Promise<VersionSummary[]> {
    const all: VersionSummary[] = [];
    let before: number | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = `limit=${PAGE}${before === undefined ? '' : `&before=${before}`}`;
      const { versions } = await this.json<{ versions: VersionSummary[] }>(
        'policy versions',
        `/policy/versions?${query}`,
      );
      if (!Array.isArray(versions)) throw this.malformed('policy versions');
      all.push(...versions);
      const oldest = versions.at(-1)?.version;
      if (oldest === undefined || oldest <= 1 || (before !== undefined && oldest >= before)) {
        return all.sort((a, b) => a.version - b.version);
      }
      before = oldest;
    }
    throw new CliError(ExitCode.error, `more than ${PAGE * MAX_PAGES} policy versions`);
  }

  version(v: number): Promise<VersionDetail> {
    return this.json(`policy version ${v}`, `/policy/versions/${v}`);
  }

  /** The policy key's PEM as the CA serves it (no token needed). */
  async policyKey(): Promise<string> {
    const res = await this.send('policy key', '/policy/key', { headers: { accept: '*/*' } });
    return res.text;
  }

  /** The current policy and its ETag. */
  async policy(): Promise<{ policy: CurrentPolicy; etag: string }> {
    const res = await this.send('policy', '/policy', { headers: this.auth() });
    const etag = res.headers.get('etag');
    if (etag === null) throw new CliError(ExitCode.error, 'policy: the CA sent no ETag');
    return { policy: parseJson<CurrentPolicy>(res.text, 'policy'), etag };
  }

  /**
   * Replaces the policy if it is still at `etag`. A 412 is exit 2 telling the user to re-run;
   * any other refusal is the server's message, which names the field.
   */
  async replacePolicy(etag: string, body: object): Promise<CurrentPolicy> {
    const res = await this.send(
      'policy change',
      '/policy',
      {
        method: 'PUT',
        headers: { ...this.auth(), 'content-type': 'application/json', 'if-match': etag },
        body: JSON.stringify(body),
      },
      [412],
    );
    if (res.status === 412) {
      throw new CliError(
        ExitCode.error,
        `policy change: the policy changed after it was read (it was ${etag})${messageOf(res.text)}; nothing was changed: re-run the import`,
      );
    }
    return parseJson<CurrentPolicy>(res.text, 'policy change');
  }

  private auth(): Record<string, string> {
    return { authorization: `Bearer ${this.token}` };
  }

  private json<T>(what: string, path: string): Promise<T> {
    return requestJson<T>(this.ctx, what, `${this.base}${path}`, { headers: this.auth() });
  }

  private malformed(what: string): CliError {
    return new CliError(ExitCode.error, `${what}: the CA answered an unexpected shape`);
  }

  /** One request; non-2xx statuses other than `expected` become {@link CliError}s. */
  private async send(
    what: string,
    path: string,
    init: RequestInit,
    expected: number[] = [],
  ): Promise<{ status: number; headers: Headers; text: string }> {
    const url = `${this.base}${path}`;
    let res: Response;
    try {
      res = await this.ctx.fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      throw new CliError(
        ExitCode.unavailable,
        `${what}: cannot reach ${new URL(url).origin} (${(err as Error).message})`,
        { cause: err },
      );
    }
    const text = await res.text();
    if (!res.ok && !expected.includes(res.status)) {
      throw new CliError(
        exitCodeForStatus(res.status),
        `${what}: ${url} answered ${res.status}${messageOf(text)}`,
      );
    }
    return { status: res.status, headers: res.headers, text };
  }
}

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new CliError(ExitCode.error, `${what}: the CA did not answer JSON`, { cause: err });
  }
}

function messageOf(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    return typeof message === 'string' ? `: ${message}` : '';
  } catch {
    return '';
  }
}
