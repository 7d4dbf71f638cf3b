/* Where `signet log audit` reads a tree: the entry bundles and tiles the log serves, and with
   --database the rows behind them, compared entry by entry. */
import {
  type AuditTileSource,
  decodeEntryBundle,
  formatEntriesPath,
  formatTilePath,
  hashLeaf,
  TILE_WIDTH,
} from '@app/merkle';
import type { CliContext } from '../../cli/context';
import { verificationFailed } from '../../cli/exit-codes';
import { requestBytes } from '../../cli/http';
import { type Limiter, MAX_BYTES } from './audit-http';
import type { AuditedLog } from './audit-logs';
import type { AuditProblem } from './audit-report';
import type { LogRows } from './log-rows.repository';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A tree's rows in the database, when the audit reads it (--database). */
export interface StoredTree {
  readonly rows: LogRows;
  readonly treeId: bigint;
}

/** The reads of one tree: leaf hashes from its entries, and its tile sources. */
export interface TreeSources {
  readonly leafHashes: (tileIndex: bigint, width: number) => Promise<Uint8Array[]>;
  readonly tiles: AuditTileSource[];
}

/**
 * The served entry bundles (each entry hashed as the log's Merkle leaf) and hash tiles of `log`,
 * fetched through `limiter`; with `stored`, the `log_entry` rows are compared with the served
 * entries (body and stored leaf hash, each difference added to `problems`) and the `hash_tile`
 * rows are a second tile source. A bundle the checkpoint covers but the log does not serve is a
 * failed verification.
 */
export function treeSources(
  ctx: CliContext,
  log: AuditedLog,
  limiter: Limiter,
  problems: AuditProblem[],
  stored?: StoredTree,
): TreeSources {
  const served: AuditTileSource = {
    name: 'served',
    read: (level, index, width) =>
      limiter.run(() =>
        requestBytes(
          ctx,
          'tile',
          `${log.prefix}${formatTilePath(level, index, width)}`,
          MAX_BYTES.tile,
          true,
        ),
      ),
  };
  const tiles = [served];
  if (stored !== undefined) {
    tiles.push({
      name: 'database',
      read: (level, index) => stored.rows.tile(stored.treeId, level, index),
    });
  }
  const leafHashes = async (tileIndex: bigint, width: number): Promise<Uint8Array[]> => {
    const url = `${log.prefix}${formatEntriesPath(tileIndex, width)}`;
    const [bundle, rows] = await Promise.all([
      limiter.run(() => requestBytes(ctx, 'entry bundle', url, MAX_BYTES.bundle, true)),
      stored?.rows.entries(
        stored.treeId,
        tileIndex * BigInt(TILE_WIDTH),
        tileIndex * BigInt(TILE_WIDTH) + BigInt(width),
      ),
    ]);
    if (bundle === undefined) {
      throw verificationFailed(`${url}: the log does not serve it (404)`, 'AUDIT_ERROR');
    }
    let entries: Uint8Array[];
    try {
      entries = decodeEntryBundle(bundle, width);
    } catch (err) {
      throw verificationFailed(`${url}: ${(err as Error).message}`, 'AUDIT_ERROR', err);
    }
    const begin = tileIndex * BigInt(TILE_WIDTH);
    const byIndex = new Map(rows?.map((r) => [r.leafIndex, r]));
    return entries.map((entry, k) => {
      const index = begin + BigInt(k);
      let leafHash: Uint8Array;
      try {
        leafHash = hashLeaf(log.leafOf(entry));
      } catch (err) {
        // Hashed as it is, so the tiles report it too; the audit goes on.
        leafHash = hashLeaf(entry);
        problems.push({
          index,
          kind: 'entry',
          detail: `entry ${index}: ${(err as Error).message}`,
        });
      }
      if (rows !== undefined) compareRow(index, entry, leafHash, byIndex.get(index), problems);
      return leafHash;
    });
  };
  return { leafHashes, tiles };
}

function compareRow(
  index: bigint,
  served: Uint8Array,
  leafHash: Uint8Array,
  row: { leafIndex: bigint; leafHash: Uint8Array; body: Uint8Array } | undefined,
  problems: AuditProblem[],
): void {
  const problem = (detail: string): void => {
    problems.push({ index, kind: 'database', detail: `entry ${index}: ${detail}` });
  };
  if (row === undefined) {
    problem('the log serves it but log_entry has no row');
  } else if (!Buffer.from(row.body).equals(served)) {
    problem('the log_entry body differs from the entry the log serves');
  } else if (!Buffer.from(row.leafHash).equals(leafHash)) {
    problem(`log_entry.leaf_hash is ${hex(row.leafHash)}, but its body hashes to ${hex(leafHash)}`);
  }
}
