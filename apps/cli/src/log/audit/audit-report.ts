/* What `signet log audit` reports: per log, the size verified, its root, the checkpoints checked
   and every problem, with its index and the first checkpoint it breaks. */
import type { AuditCheckpoint, TreeAuditProblem } from '@app/merkle';
import type { CliContext } from '../../cli/context';

/**
 * One problem: `tile` (a tile hash is not the node the entries make; level 0: an entry does not
 * hash to its leaf), `root` (a checkpoint's root is not the entries' tree), `entry` (an entry
 * that does not decode), `database` (a row differs from what is served), `checkpoint` (a
 * checkpoint that does not verify, or beyond the log).
 */
export interface AuditProblem {
  readonly index?: bigint;
  readonly kind: 'tile' | 'root' | 'entry' | 'database' | 'checkpoint';
  readonly detail: string;
  readonly firstBrokenCheckpoint?: { readonly name: string; readonly treeSize: bigint };
}

/** The audit of one log. */
export interface LogAuditReport {
  readonly kind: string;
  readonly origin: string;
  /** The size recomputed and compared (the log's checkpoint size). */
  readonly treeSize: bigint;
  readonly rootHash: Uint8Array;
  /** The saved size this run started from (0 without a state). */
  readonly resumedFrom: bigint;
  readonly checkpointsChecked: number;
  readonly problems: readonly AuditProblem[];
  /** All problems found, of which at most the first 1,000 are listed. */
  readonly problemCount: number;
  readonly seconds: number;
}

/** An engine problem, or an entry problem given the first checkpoint that commits to its entry. */
export function withFirstBroken(
  problem: AuditProblem | TreeAuditProblem,
  checkpoints: readonly AuditCheckpoint[],
): AuditProblem {
  if (problem.firstBrokenCheckpoint !== undefined || problem.index === undefined) return problem;
  const first = checkpoints
    .filter((c) => c.treeSize > problem.index!)
    .reduce<AuditCheckpoint | undefined>(
      (min, c) => (min === undefined || c.treeSize < min.treeSize ? c : min),
      undefined,
    );
  return first === undefined
    ? problem
    : { ...problem, firstBrokenCheckpoint: { name: first.name, treeSize: first.treeSize } };
}

/** The report as JSON: sizes and indices as decimal strings, hashes as hex. */
export function reportJson(logs: readonly LogAuditReport[]): object {
  return {
    verified: logs.every((l) => l.problemCount === 0),
    logs: logs.map((l) => ({
      kind: l.kind,
      origin: l.origin,
      treeSize: l.treeSize.toString(),
      rootHash: Buffer.from(l.rootHash).toString('hex'),
      resumedFrom: l.resumedFrom.toString(),
      checkpointsChecked: l.checkpointsChecked,
      seconds: l.seconds,
      problemCount: l.problemCount,
      problems: l.problems.map((p) => ({
        index: p.index?.toString() ?? null,
        kind: p.kind,
        detail: p.detail,
        firstBrokenCheckpoint:
          p.firstBrokenCheckpoint === undefined
            ? null
            : {
                name: p.firstBrokenCheckpoint.name,
                treeSize: p.firstBrokenCheckpoint.treeSize.toString(),
              },
      })),
    })),
  };
}

/** Prints the report for people: one line per log, then its first 20 problems. */
export function printReport(ctx: CliContext, logs: readonly LogAuditReport[]): void {
  for (const l of logs) {
    const root = Buffer.from(l.rootHash).toString('hex');
    const verdict = l.problemCount === 0 ? 'OK' : `${l.problemCount} PROBLEM(S)`;
    ctx.print(
      `${l.kind} ${l.origin}: size ${l.treeSize} root ${root}, ${l.checkpointsChecked} checkpoint(s) checked: ${verdict}`,
    );
    for (const p of l.problems.slice(0, 20)) {
      const at = p.index === undefined ? '' : ` at index ${p.index}`;
      const breaks =
        p.firstBrokenCheckpoint === undefined
          ? ''
          : ` (first broken checkpoint: ${p.firstBrokenCheckpoint.name}, size ${p.firstBrokenCheckpoint.treeSize})`;
      ctx.print(`  ${p.kind}${at}: ${p.detail}${breaks}`);
    }
    if (l.problemCount > 20) ctx.print(`  … ${l.problemCount - 20} more (see --json)`);
  }
}
