/* The Rekor v1 read API of the instance's log, as the CLI uses it. */
import type { CliContext } from '../cli/context';
import { CliError, ExitCode } from '../cli/exit-codes';
import { requestJson, requestJsonPage } from '../cli/http';

/** `GET /api/v1/log` (Rekor LogInfo). */
export interface LogInfo {
  rootHash: string;
  treeSize: number;
  signedTreeHead: string;
  treeID: string;
  inactiveShards?: Omit<LogInfo, 'inactiveShards'>[];
}

/** One Rekor v1 LogEntry (the value under its UUID). */
export interface LogEntry {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  verification?: {
    signedEntryTimestamp?: string;
    inclusionProof?: {
      logIndex: number;
      treeSize: number;
      rootHash: string;
      hashes: string[];
      checkpoint: string;
    };
  };
}

/** `GET /api/v1/log/proof` (Rekor ConsistencyProof): the root at lastSize and the proof. */
export interface ConsistencyProof {
  rootHash: string;
  hashes: string[];
}

export const getLogInfo = (ctx: CliContext, logUrl: string): Promise<LogInfo> =>
  requestJson<LogInfo>(ctx, 'log info', `${logUrl}/api/v1/log`);

export function getEntry(
  ctx: CliContext,
  logUrl: string,
  by: { logIndex: bigint } | { uuid: string },
): Promise<Record<string, LogEntry>> {
  const path =
    'uuid' in by
      ? `/api/v1/log/entries/${encodeURIComponent(by.uuid)}`
      : `/api/v1/log/entries?logIndex=${by.logIndex}`;
  return requestJson(ctx, 'log entry', `${logUrl}${path}`);
}

/** The log answers a search a page at a time; this many pages (of up to 1,000) at most. */
const MAX_SEARCH_PAGES = 1000;

/**
 * Every entry UUID the log finds for `query`, in log order: the same query posted to each next
 * page its `Link` headers name, until the last one (README: The transparency log). `pageSize`
 * (1 to 1000) asks for smaller pages than the log's.
 */
export async function searchIndex(
  ctx: CliContext,
  logUrl: string,
  query: Record<string, string>,
  pageSize?: number,
): Promise<string[]> {
  const uuids: string[] = [];
  let url: string | undefined =
    `${logUrl}/api/v1/index/retrieve${pageSize === undefined ? '' : `?limit=${pageSize}`}`;
  for (let pages = 0; url !== undefined; pages++) {
    if (pages === MAX_SEARCH_PAGES) {
      throw new CliError(
        ExitCode.error,
        `log search: more than ${MAX_SEARCH_PAGES} pages of results; narrow the query`,
      );
    }
    const page: { body: unknown; next?: string } = await requestJsonPage(ctx, 'log search', url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(query),
    });
    if (!Array.isArray(page.body) || !page.body.every((u) => typeof u === 'string')) {
      throw new CliError(ExitCode.error, `log search: ${url} did not answer a list of UUIDs`);
    }
    uuids.push(...page.body);
    url = page.next;
  }
  return uuids;
}

export function getConsistencyProof(
  ctx: CliContext,
  logUrl: string,
  firstSize: bigint,
  lastSize: bigint,
  treeId?: string,
): Promise<ConsistencyProof> {
  const tree = treeId === undefined ? '' : `&treeID=${encodeURIComponent(treeId)}`;
  return requestJson(
    ctx,
    'consistency proof',
    `${logUrl}/api/v1/log/proof?firstSize=${firstSize}&lastSize=${lastSize}${tree}`,
  );
}
