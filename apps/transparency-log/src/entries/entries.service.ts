import { Injectable } from '@nestjs/common';
import { hashLeaf } from '@app/merkle';
import { WritePolicy } from '../authorization/write-policy';
import { LogError } from '../errors';
import type { LogTree } from '../tree/tree.entities';
import { type StoredEntry, TreeRepository } from '../tree/tree.repository';
import { TreesService } from '../tree/trees.service';
import { canonicalizeProposedEntry } from './kinds';
import { entryUuid, type LogEntryBody, logEntryView } from './log-entry.view';

const UUID = /^([0-9a-fA-F]{16})?([0-9a-fA-F]{64})$/;

/** Rekor v1 entry operations: add, get by index or UUID, retrieve several. */
@Injectable()
export class EntriesService {
  private readonly trees = new Map<bigint, LogTree>();

  constructor(
    private readonly treesService: TreesService,
    private readonly repo: TreeRepository,
    private readonly policy: WritePolicy,
  ) {}

  /**
   * Validates, verifies and authorizes a proposed entry, then waits until its batch is
   * committed. A duplicate throws CONFLICT with the existing entry's location.
   */
  async create(proposed: unknown): Promise<{ uuid: string; entry: Record<string, LogEntryBody> }> {
    const canonical = canonicalizeProposedEntry(proposed);
    await this.policy.check(canonical.verifiers, new Date());
    const tree = this.treesService.active;
    const leafHash = Buffer.from(hashLeaf(canonical.body));
    const result = await this.treesService.append({
      body: canonical.body,
      leafHash,
      kind: canonical.kind,
      apiVersion: canonical.apiVersion,
      indexKeys: canonical.indexKeys,
    });
    const uuid = entryUuid(tree.id, leafHash);
    if (result.duplicate || result.checkpoint === undefined) {
      throw new LogError(
        'CONFLICT',
        `an equivalent entry already exists in the log: ${uuid}`,
        `/api/v1/log/entries/${uuid}`,
      );
    }
    const stored: StoredEntry = {
      treeId: tree.id,
      leafIndex: result.leafIndex,
      globalIndex: tree.indexOffset + result.leafIndex,
      leafHash,
      body: canonical.body,
      kind: canonical.kind,
      apiVersion: canonical.apiVersion,
      integratedTime: result.integratedTime!,
      signedEntryTimestamp: result.signedEntryTimestamp!,
    };
    // The batch's own hashes prove it against its checkpoint; the tiles are the fallback.
    const proof =
      result.proofs?.inclusionProof(result.leafIndex) ??
      (await this.treesService
        .reader(tree.id, result.checkpoint.treeSize)
        .inclusionProof(result.leafIndex));
    return { uuid, entry: logEntryView(tree, stored, result.checkpoint, proof) };
  }

  async byLogIndex(logIndex: bigint): Promise<Record<string, LogEntryBody>> {
    const entry = await this.repo.entryByGlobalIndex(logIndex);
    if (entry === undefined) throw new LogError('NOT_FOUND', `no entry at logIndex ${logIndex}`);
    return this.view(entry);
  }

  async byUuid(uuid: string): Promise<Record<string, LogEntryBody>> {
    const match = UUID.exec(uuid);
    if (match === null) {
      throw new LogError('MALFORMED_REQUEST', 'entryUUID must be 64 or 80 hexadecimal characters');
    }
    const treeId = match[1] === undefined ? undefined : BigInt(`0x${match[1]}`);
    if (treeId !== undefined && treeId >= 2n ** 63n)
      throw new LogError('NOT_FOUND', `no entry with UUID ${uuid}`);
    const entry = await this.repo.entryByLeafHash(Buffer.from(match[2]!, 'hex'), treeId);
    if (entry === undefined) throw new LogError('NOT_FOUND', `no entry with UUID ${uuid}`);
    return this.view(entry);
  }

  /** Entries found, in request order; missing ones are skipped (as Rekor does). */
  async retrieve(query: {
    entryUUIDs?: string[];
    logIndexes?: bigint[];
    entries?: unknown[];
  }): Promise<Array<Record<string, LogEntryBody>>> {
    const found: Array<Record<string, LogEntryBody>> = [];
    const keep = async (p: Promise<Record<string, LogEntryBody>>): Promise<void> => {
      try {
        found.push(await p);
      } catch (err) {
        if (!(err instanceof LogError && err.code === 'NOT_FOUND')) throw err;
      }
    };
    for (const uuid of query.entryUUIDs ?? []) await keep(this.byUuid(uuid));
    for (const index of query.logIndexes ?? []) await keep(this.byLogIndex(index));
    for (const proposed of query.entries ?? []) {
      const canonical = canonicalizeProposedEntry(proposed);
      await keep(this.byUuid(Buffer.from(hashLeaf(canonical.body)).toString('hex')));
    }
    return found;
  }

  /** The entry with a proof against its tree's newest checkpoint. */
  async view(entry: StoredEntry): Promise<Record<string, LogEntryBody>> {
    const tree = await this.tree(entry.treeId);
    const checkpoint = await this.repo.latestCheckpoint(tree.id);
    if (checkpoint === undefined || checkpoint.treeSize <= entry.leafIndex) {
      throw new LogError(
        'UNAVAILABLE',
        `no checkpoint of tree ${tree.id} covers entry ${entry.leafIndex} yet`,
      );
    }
    const reader = this.treesService.reader(tree.id, checkpoint.treeSize);
    return logEntryView(tree, entry, checkpoint, await reader.inclusionProof(entry.leafIndex));
  }

  async tree(id: bigint): Promise<LogTree> {
    let tree = this.trees.get(id);
    if (tree === undefined || tree.active) {
      tree = (await this.repo.tree(id)) ?? undefined;
      if (tree === undefined) throw new LogError('NOT_FOUND', `no tree ${id}`);
      this.trees.set(id, tree);
    }
    return tree;
  }
}
