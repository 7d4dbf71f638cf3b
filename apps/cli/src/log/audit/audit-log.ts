/* The audit of one log: its checkpoints gathered and opened, its tree recomputed from what it
   serves (and stores), the problems given the first checkpoint they break. */
import { type AuditCheckpoint, auditTree, type TreeAuditState } from '@app/merkle';
import { parseCheckpoint, parseNote } from '@app/signing';
import type { CliContext } from '../../cli/context';
import type { KeptCheckpoint } from './audit-files';
import type { Limiter } from './audit-http';
import type { AuditedLog } from './audit-logs';
import { type AuditProblem, type LogAuditReport, withFirstBroken } from './audit-report';
import { type StoredTree, treeSources } from './audit-sources';
import type { LogRows } from './log-rows.repository';

/** What the audit of one log starts from and reads besides the log. */
export interface LogAuditInput {
  readonly saved?: TreeAuditState;
  readonly kept: readonly KeptCheckpoint[];
  readonly rows?: LogRows;
  readonly limiter: Limiter;
  readonly readAhead: number;
  /** Called with a state worth saving: the tree verified so far, no problem found. */
  readonly save: (state: TreeAuditState) => void;
}

const PROGRESS_MS = 2_000;
const SAVE_MS = 10_000;

/** Audits `log` up to its current checkpoint; returns its report. */
export async function auditLog(
  ctx: CliContext,
  log: AuditedLog,
  input: LogAuditInput,
): Promise<LogAuditReport> {
  const started = performance.now();
  const problems: AuditProblem[] = [];
  const { treeSize } = log.checkpoint;
  const checkpoints: AuditCheckpoint[] = [{ name: 'served checkpoint', ...log.checkpoint }];
  if (log.signedTreeHead !== undefined) {
    checkpoints.push({ name: 'CT get-sth', ...log.signedTreeHead });
  }
  for (const kept of input.kept) {
    const checkpoint = openKept(log, kept, problems);
    if (checkpoint !== undefined) checkpoints.push(checkpoint);
  }
  let saved = input.saved;
  if (saved !== undefined && saved.treeSize > treeSize) {
    problems.push({
      kind: 'checkpoint',
      detail: `the saved state is at size ${saved.treeSize}, beyond the log's checkpoint size ${treeSize}: the log was rolled back or forked`,
    });
    saved = undefined;
  }
  const from = saved?.treeSize ?? 0n;
  let stored: StoredTree | undefined;
  if (input.rows !== undefined) {
    const treeId = await input.rows.treeId(log.origin);
    if (treeId === undefined) {
      problems.push({ kind: 'database', detail: `log_tree has no tree with origin ${log.origin}` });
    } else {
      stored = { rows: input.rows, treeId };
      checkpoints.push(...(await storedCheckpoints(log, stored, from, treeSize, problems)));
    }
  }
  const sources = treeSources(ctx, log, input.limiter, problems, stored);
  let [lastProgress, lastSave] = [started, started];
  const result = await auditTree({
    from: saved,
    treeSize,
    leafHashes: sources.leafHashes,
    tiles: sources.tiles,
    checkpoints,
    readAhead: input.readAhead,
    onProgress: (size, state, problemCount) => {
      const now = performance.now();
      if (now - lastProgress >= PROGRESS_MS || size === treeSize) {
        const rate = Number(size - from) / ((now - started) / 1000);
        ctx.status(`${log.origin}: ${size}/${treeSize} entries (${Math.round(rate)}/s)`);
        lastProgress = now;
      }
      if (now - lastSave >= SAVE_MS && problemCount === 0 && problems.length === 0) {
        input.save(state());
        lastSave = now;
      }
    },
  });
  const all = [...problems, ...result.problems].map((p) => withFirstBroken(p, checkpoints));
  if (all.length === 0) input.save(result.state);
  return {
    kind: log.kind,
    origin: log.origin,
    treeSize,
    rootHash: result.state.rootHash,
    resumedFrom: from,
    checkpointsChecked: result.checkpointsChecked,
    problems: all.sort(byIndex),
    problemCount: problems.length + result.problemCount,
    seconds: Math.round(performance.now() - started) / 1000,
  };
}

/** A kept checkpoint of this log, opened; a bad signature or a size beyond the log is a problem. */
function openKept(
  log: AuditedLog,
  kept: KeptCheckpoint,
  problems: AuditProblem[],
): AuditCheckpoint | undefined {
  let origin: string;
  try {
    origin = parseCheckpoint(parseNote(kept.note).text).origin;
  } catch {
    return undefined; // not a checkpoint of any log: the command warns about it
  }
  if (origin !== log.origin) return undefined;
  try {
    const checkpoint = log.open(kept.note, kept.name);
    if (checkpoint.treeSize <= log.checkpoint.treeSize) return { name: kept.name, ...checkpoint };
    problems.push({
      kind: 'checkpoint',
      detail: `${kept.name} is signed for size ${checkpoint.treeSize}, beyond the log's checkpoint size ${log.checkpoint.treeSize}: the log was rolled back or forked`,
      firstBrokenCheckpoint: { name: kept.name, treeSize: checkpoint.treeSize },
    });
  } catch (err) {
    problems.push({ kind: 'checkpoint', detail: (err as Error).message });
  }
  return undefined;
}

/** The stored checkpoints from `from` to `treeSize`, each note opened and matched with its row. */
async function storedCheckpoints(
  log: AuditedLog,
  stored: StoredTree,
  from: bigint,
  treeSize: bigint,
  problems: AuditProblem[],
): Promise<AuditCheckpoint[]> {
  const checkpoints: AuditCheckpoint[] = [];
  for (const row of await stored.rows.checkpoints(stored.treeId, from, treeSize)) {
    const name = `stored checkpoint ${row.treeSize}`;
    try {
      const checkpoint = log.open(row.note, name);
      if (
        checkpoint.treeSize !== row.treeSize ||
        !Buffer.from(checkpoint.rootHash).equals(row.rootHash)
      ) {
        problems.push({
          kind: 'database',
          detail: `${name}: its note is for size ${checkpoint.treeSize} root ${Buffer.from(checkpoint.rootHash).toString('hex')}, not the row's root ${Buffer.from(row.rootHash).toString('hex')}`,
        });
      }
      checkpoints.push({ name, ...checkpoint });
    } catch (err) {
      problems.push({ kind: 'checkpoint', detail: (err as Error).message });
    }
  }
  return checkpoints;
}

function byIndex(a: AuditProblem, b: AuditProblem): number {
  if (a.index === undefined || b.index === undefined) {
    return (a.index === undefined ? 1 : 0) - (b.index === undefined ? 1 : 0);
  }
  return a.index < b.index ? -1 : a.index > b.index ? 1 : 0;
}
