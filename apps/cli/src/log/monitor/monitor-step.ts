/* One step of the monitor on one log: verify the new head, prove it consistent with the last
   verified one, read the entries in between (checking they are exactly those the head commits
   to), and report what the watchers find. */
import { CompactRange, verifyConsistency } from '@app/merkle';
import type { LogState } from './monitor-state';
import type { FollowedLog } from './followed-logs';
import { checkPolicyEntry, type ExpectedStatements, type PolicyWatch } from './policy-watch';
import { matchMaterial, type Watchlist } from './watchlist';

/** One line of the monitor's output. */
export type MonitorEvent = { readonly kind: string; readonly log: string } & Record<
  string,
  unknown
>;

export interface StepOptions {
  readonly watchlist: Watchlist;
  readonly policy?: { readonly watch: PolicyWatch; readonly statements: ExpectedStatements };
  /** Without a saved state: read the whole tree, not only what comes after its current head. */
  readonly fromStart: boolean;
  /** Entries fetched per request batch, to keep memory bounded on a long catch-up. */
  readonly batch?: number;
}

/** What a step found: the state to keep (undefined: keep the old one) and its events. */
export interface StepResult {
  readonly state?: LogState;
  readonly events: MonitorEvent[];
  readonly inconsistent: boolean;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/**
 * Runs one step on `log` from `saved`. An inconsistency (an origin, a size or a root the saved
 * head does not lead to, or entries that do not hash to the new head) is one `inconsistency`
 * event and no new state: the last verified head stays the one to prove against. Network and
 * signature failures throw.
 */
export async function monitorStep(
  log: FollowedLog,
  saved: LogState | undefined,
  options: StepOptions,
): Promise<StepResult> {
  const head = await log.head();
  const base = { log: log.name, url: log.url };
  const inconsistent = (message: string): StepResult => ({
    inconsistent: true,
    events: [
      {
        kind: 'inconsistency',
        ...base,
        message,
        ...(saved && { savedSize: saved.treeSize.toString(), savedRootHash: saved.rootHash }),
        treeSize: head.treeSize.toString(),
        rootHash: hex(head.rootHash),
        signed: head.signed,
      },
    ],
  });
  let range: CompactRange;
  if (saved === undefined) {
    range = options.fromStart
      ? CompactRange.empty()
      : await log.compactRange(head.treeSize, head.treeSize);
    if (!options.fromStart && hex(range.root()) !== hex(head.rootHash)) {
      return inconsistent(
        `the log's tiles do not hash to its checkpoint's root at size ${head.treeSize}`,
      );
    }
  } else {
    if (saved.origin !== head.origin) {
      return inconsistent(
        `the log signs for origin ${JSON.stringify(head.origin)}, not ${JSON.stringify(saved.origin)}: another tree (a rotation, or another log)`,
      );
    }
    if (head.treeSize < saved.treeSize) {
      return inconsistent(`the tree shrank from size ${saved.treeSize} to ${head.treeSize}`);
    }
    if (head.treeSize === saved.treeSize) {
      return hex(head.rootHash) === saved.rootHash
        ? { inconsistent: false, events: [], state: saved }
        : inconsistent(`a fork: another root at the same size ${head.treeSize}`);
    }
    if (saved.treeSize > 0n) {
      try {
        const proof = await log.consistencyProof(saved.treeSize, head.treeSize);
        verifyConsistency(
          saved.treeSize,
          head.treeSize,
          proof,
          Buffer.from(saved.rootHash, 'hex'),
          head.rootHash,
        );
      } catch (err) {
        if ((err as { exitCode?: number }).exitCode === 4) throw err;
        return inconsistent(
          `not consistent from size ${saved.treeSize} to ${head.treeSize}: ${(err as Error).message}`,
        );
      }
    }
    range = CompactRange.fromHashes(
      saved.treeSize,
      saved.rightEdge.map((h) => Buffer.from(h, 'hex')),
    );
  }
  const events: MonitorEvent[] = [];
  const batch = BigInt(options.batch ?? 1024);
  for (let start = range.size; start < head.treeSize;) {
    const end = start + batch < head.treeSize ? start + batch : head.treeSize;
    for (const { index, leafHash, entry } of await log.entries(start, end)) {
      if (index !== range.size) {
        return inconsistent(`the log served entry ${index} where entry ${range.size} belongs`);
      }
      range.append(leafHash);
      const at = { ...base, index: index.toString(), entryKind: entry.kind };
      for (const m of matchMaterial(options.watchlist, entry))
        events.push({ kind: 'match', ...at, ...m });
      const policy =
        options.policy && checkPolicyEntry(options.policy.watch, options.policy.statements, entry);
      if (policy !== undefined && policy.status !== 'expected')
        events.push({ kind: 'policy', ...at, ...policy });
    }
    start = range.size;
    if (start < end) return inconsistent(`the log served entries up to ${start}, not ${end}`);
  }
  if (hex(range.root()) !== hex(head.rootHash)) {
    return inconsistent(
      `the entries the log served from ${saved?.treeSize ?? 0n} to ${head.treeSize} do not hash to its checkpoint's root`,
    );
  }
  return {
    inconsistent: false,
    events,
    state: {
      origin: head.origin,
      treeSize: head.treeSize,
      rootHash: hex(head.rootHash),
      rightEdge: range.hashes.map(hex),
      signed: head.signed,
      verifiedAt: new Date().toISOString(),
    },
  };
}
