/* `signet log audit`: recompute every tree of the log from what it serves, trusting only the
   trusted root, and report each entry, tile or checkpoint that disagrees. */
import { parseNote, parseCheckpoint } from '@app/signing';
import type { CliContext } from '../../cli/context';
import { usageError } from '../../cli/exit-codes';
import { writeOutput } from '../../cli/files';
import {
  commonOptions,
  instanceOptions,
  parseCommand,
  parseCount,
  resolveInstance,
} from '../../cli/options';
import { loadTrustedRoot } from '../../trust/trusted-root';
import { type AuditStates, readKeptCheckpoints, readStates, writeStates } from './audit-files';
import { Limiter } from './audit-http';
import { auditLog } from './audit-log';
import { discoverLogs, LOG_KINDS, type LogKind } from './audit-logs';
import { type LogAuditReport, printReport, reportJson } from './audit-report';
import { LogRows } from './log-rows.repository';

export const logAuditHelp = `signet log audit: recompute the log's trees and check everything they commit to

Usage:
  signet log audit [--log artifact|ct|rekor-v2]... [--checkpoints FILE|DIR] [--state FILE]
                   [--database URL] [--report FILE] [--concurrency N] [--json]
                   [--log-url URL] [--ca-url URL] [--trusted-root FILE]

Reads every entry bundle and hash tile of each tree (the Rekor v1 trees, active and frozen; each
Rekor v2 shard of the trusted root; the active CT tree) over C2SP tlog-tiles, hashes each entry
as its RFC 6962 leaf (CT: the MerkleTreeLeaf of its TileLeaf), recomputes every tile and the
root, and checks them against: the tiles served, the current checkpoint (its signature checked
with the trusted root's key; CT: also get-sth with the CT key), and every checkpoint you kept
(--checkpoints: a signed note, or a directory of them). A problem is reported with the first
entry index it concerns and the first checkpoint it breaks (the smallest that commits to it).

--state FILE   remember, per tree, the size verified and its compact range (written when a tree
               has no problem, and every 10 s while one is read); the next run reads only the
               new entries and tiles, and checks the new checkpoint from the saved tree
--database URL also read Postgres (a role that may read log_entry, hash_tile, checkpoint and
               log_tree): every row is compared with what is served and with the recomputed
               tree, and every stored checkpoint is checked
--report FILE  write the JSON report (as --json prints) to FILE
--concurrency  parallel HTTP requests (default 4, at most 32)

Progress goes to stderr. Exit codes: 0 every tree checks out; 1 a problem was found (or a
checkpoint does not verify); 2 error; 4 log or CA unreachable; 64 bad usage.

Examples:
  signet log audit --state audit-state.json
  signet log audit --log ct --checkpoints kept-checkpoints/ --json
  signet log audit --database "$DATABASE_URL" --report audit.json
`;

const MAX_CONCURRENCY = 32n;

/** `signet log audit`; returns the exit code. */
export async function logAudit(argv: string[], ctx: CliContext): Promise<number> {
  const { values, help } = parseCommand(argv, {
    ...commonOptions,
    ...instanceOptions,
    'trusted-root': { type: 'string' },
    log: { type: 'string', multiple: true },
    checkpoints: { type: 'string' },
    state: { type: 'string' },
    database: { type: 'string' },
    report: { type: 'string' },
    concurrency: { type: 'string' },
  });
  if (help) {
    ctx.print(logAuditHelp.trimEnd());
    return 0;
  }
  const kinds = new Set<LogKind>();
  for (const kind of values.log ?? LOG_KINDS) {
    if (!(LOG_KINDS as readonly string[]).includes(kind)) {
      throw usageError(`--log must be v1, v2 or ct, got ${JSON.stringify(kind)}`);
    }
    kinds.add(kind as LogKind);
  }
  const concurrency =
    values.concurrency === undefined ? 4n : parseCount('--concurrency', values.concurrency, 1n);
  if (concurrency > MAX_CONCURRENCY)
    throw usageError(`--concurrency must be at most ${MAX_CONCURRENCY}`);
  const instance = resolveInstance(values, ctx.env);
  const statePath = values.state;
  const states: AuditStates =
    statePath === undefined ? new Map<string, never>() : await readStates(statePath);
  const kept =
    values.checkpoints === undefined ? [] : await readKeptCheckpoints(values.checkpoints);
  const { root } = await loadTrustedRoot(
    ctx,
    instance.caUrl,
    values['trusted-root'],
    instance.tufRoot,
  );
  const logs = await discoverLogs(
    ctx,
    instance.logUrl,
    root,
    kinds,
    values['insecure-http'] === true,
  );
  warnUnmatched(ctx, kept, new Set(logs.map((l) => l.origin)));

  const rows = values.database === undefined ? undefined : await LogRows.open(values.database);
  const limiter = new Limiter(Number(concurrency));
  const reports: LogAuditReport[] = [];
  try {
    for (const log of logs) {
      ctx.status(`auditing ${log.kind} ${log.origin} (size ${log.checkpoint.treeSize})`);
      reports.push(
        await auditLog(ctx, log, {
          saved: states.get(log.origin),
          kept,
          rows,
          limiter,
          readAhead: Number(concurrency),
          save: (state) => {
            if (statePath === undefined) return;
            states.set(log.origin, state);
            writeStates(statePath, states);
          },
        }),
      );
    }
  } finally {
    await rows?.close();
  }
  const json = JSON.stringify(reportJson(reports));
  if (values.report !== undefined) await writeOutput(values.report, `${json}\n`);
  if (values.json === true) ctx.print(json);
  else printReport(ctx, reports);
  return reports.some((r) => r.problemCount > 0) ? 1 : 0;
}

/** A kept checkpoint of no audited log is not checked: say so. */
function warnUnmatched(
  ctx: CliContext,
  kept: ReadonlyArray<{ name: string; note: string }>,
  origins: ReadonlySet<string>,
): void {
  for (const k of kept) {
    let origin: string;
    try {
      origin = parseCheckpoint(parseNote(k.note).text).origin;
    } catch (err) {
      ctx.status(`warning: ${k.name} is not a checkpoint (${(err as Error).message}); not checked`);
      continue;
    }
    if (!origins.has(origin)) {
      ctx.status(
        `warning: ${k.name} is for ${origin}, which this audit does not read; not checked`,
      );
    }
  }
}
