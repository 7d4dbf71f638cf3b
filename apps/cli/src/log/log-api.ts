/* The Rekor v1 read API of the instance's log, as the CLI uses it. */
import type { CliContext } from '../cli/context';
import { requestJson } from '../cli/http';

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

export const searchIndex = (
  ctx: CliContext,
  logUrl: string,
  query: Record<string, string>,
): Promise<string[]> =>
  requestJson<string[]>(ctx, 'log search', `${logUrl}/api/v1/index/retrieve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(query),
  });

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
