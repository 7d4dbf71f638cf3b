import { Injectable, Logger } from '@nestjs/common';
import { integrate } from '@app/merkle';
import { LogError } from '../errors';
import type { Integrated, PreparedEntry } from './entry';
import { headProblem, splitHashes } from './head-check';
import { storeBody } from './stored-body';
import { EntryRepository, type NewEntryRow } from './entry.repository';
import type { LogTree } from '@app/schema';
import { TreeRepository } from './tree.repository';
import type { TreeSigning } from './tree-signing';

/**
 * Commits batches of entries to a tree: one transaction that locks the tree head, skips
 * duplicates, hands the new leaf hashes to `@app/merkle`'s pure `integrate`, and writes what it
 * returns (entries, tile appends, the new head and a signed checkpoint). Before that it checks
 * the locked head against the newest signed checkpoint and refuses a frozen or inconsistent tree
 * (`head-check.ts`). Unlike Tessera, the
 * checkpoint is signed inside the lock, so that a POST can answer with a proof against it.
 */
@Injectable()
export class Integrator {
  private readonly logger = new Logger(Integrator.name);

  constructor(
    private readonly repo: TreeRepository,
    private readonly entries: EntryRepository,
  ) {}

  /** Integrates `batch` into `tree`; one result per entry, in order. All or nothing. */
  async integrate(
    tree: LogTree,
    signing: TreeSigning,
    batch: readonly PreparedEntry[],
  ): Promise<Integrated[]> {
    // Compressed before the tree head is locked: the lock is held only for what needs it.
    const bodies = batch.map((entry) => storeBody(entry.body));
    return this.repo.transaction(async (q) => {
      const head = await this.repo.head(tree, q, true);
      const problem = headProblem(head, await this.repo.latestCheckpoint(tree.id, q));
      if (problem !== undefined) {
        // Loud: either another process froze the tree (this one holds a replaced key), or the
        // database was changed behind the log's back. Nothing is signed either way.
        this.logger.error(`refusing to append: ${problem}`);
        throw new LogError(
          'UNAVAILABLE',
          head.active
            ? 'the log refuses to append: its stored tree head is inconsistent with its last signed checkpoint'
            : 'the log refuses to append: this tree is frozen (its signing key was replaced); restart this log process',
        );
      }
      const existing = await this.entries.existing(
        q,
        tree.id,
        batch.map((b) => b.leafHash),
      );
      const integratedTime = BigInt(Math.floor(Date.now() / 1000));
      const rows: NewEntryRow[] = [];
      const results: Integrated[] = [];
      const added: PreparedEntry[] = [];
      for (const [i, entry] of batch.entries()) {
        const hex = entry.leafHash.toString('hex');
        const seen = existing.get(hex);
        if (seen !== undefined) {
          results.push({ duplicate: true, leafIndex: seen });
          continue;
        }
        const leafIndex = head.size + BigInt(added.length);
        existing.set(hex, leafIndex);
        const globalIndex = tree.indexOffset + leafIndex;
        const signedEntryTimestamp = await signing.signEntry(entry, {
          integratedTime,
          logId: tree.logId,
          globalIndex,
        });
        rows.push({
          ...entry,
          storedBody: bodies[i]!,
          leafIndex,
          globalIndex,
          integratedTime,
          signedEntryTimestamp,
        });
        results.push({ duplicate: false, leafIndex, integratedTime, signedEntryTimestamp });
        added.push(entry);
      }
      if (rows.length === 0) return results;
      const next = integrate(
        head.size,
        splitHashes(head.rightEdge),
        added.map((entry) => entry.leafHash),
      );
      await this.entries.insertEntries(q, tree, rows);
      await this.repo.appendToTiles(
        q,
        tree.id,
        next.tileAppends.map((t) => ({ ...t, hashes: Buffer.from(t.hashes) })),
      );
      const { treeSize, proofs } = next;
      const rootHash = Buffer.from(next.rootHash);
      await this.repo.advance(q, tree.id, treeSize, rootHash, Buffer.concat(next.rightEdge));
      const note = await signing.signCheckpoint({ origin: tree.origin, treeSize, rootHash }, added);
      await this.repo.insertCheckpoint(q, tree.id, treeSize, rootHash, note);
      const checkpoint = { treeSize, rootHash, note };
      for (const r of results) {
        if (r.duplicate) continue;
        r.checkpoint = checkpoint;
        r.proofs = proofs;
      }
      return results;
    });
  }
}
