import { Injectable } from '@nestjs/common';
import { hashLeaf } from '@app/merkle';
import { checkEntrySize } from '../../core/entry-size';
import { EntryRepository, type StoredEntry } from '../../core/entry.repository';
import { ProofsService } from '../../core/proofs.service';
import type { LogTree } from '@app/schema';
import { TreeRegistry } from '../../core/tree-registry.service';
import { WritePolicy } from '../../core/trust/write-policy';
import { LogError } from '../../errors';
import { EntryError, parseProposedEntry, type ParsedEntry } from './kinds';
import { entryUuid, type LogEntryBody, logEntryView } from './log-entry.view';

const UUID = /^([0-9a-fA-F]{16})?([0-9a-fA-F]{64})$/;

/** Rekor v1 entry operations: add, get by index or UUID, retrieve several. */
@Injectable()
export class EntriesService {
  constructor(
    private readonly trees: TreeRegistry,
    private readonly proofs: ProofsService,
    private readonly entryRows: EntryRepository,
    private readonly policy: WritePolicy,
  ) {}

  /**
   * Validates a proposed entry, authorizes every key or certificate it names, and only then
   * verifies its signatures (the costly part, bounded by the kinds' limits); then waits until its
   * batch is committed. A duplicate throws CONFLICT with the existing entry's location.
   */
  async create(proposed: unknown): Promise<{ uuid: string; entry: Record<string, LogEntryBody> }> {
    const parsed = parseProposedEntry(proposed);
    checkEntrySize(parsed.minBodyLength);
    await this.policy.check(parsed.verifiers, new Date());
    const canonical = parsed.verify();
    checkEntrySize(canonical.body.length);
    const tree = this.trees.activeOf('artifact');
    const leafHash = Buffer.from(hashLeaf(canonical.body));
    const result = await this.trees.append(
      {
        body: canonical.body,
        leafHash,
        kind: canonical.kind,
        apiVersion: canonical.apiVersion,
        indexKeys: canonical.indexKeys,
      },
      'artifact',
    );
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
      (await this.proofs
        .reader(tree.id, result.checkpoint.treeSize)
        .inclusionProof(result.leafIndex));
    return { uuid, entry: logEntryView(tree, stored, result.checkpoint, proof) };
  }

  async byLogIndex(logIndex: bigint): Promise<Record<string, LogEntryBody>> {
    const entry = await this.entryRows.entryByGlobalIndex(logIndex, 'artifact');
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
    const entry = await this.entryRows.entryByLeafHash(
      Buffer.from(match[2]!, 'hex'),
      'artifact',
      treeId,
    );
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
      const body = await this.storableBody(parseProposedEntry(proposed));
      if (body === undefined) continue;
      await keep(this.byUuid(Buffer.from(hashLeaf(body)).toString('hex')));
    }
    return found;
  }

  /**
   * The canonical body a stored entry equal to `parsed` would have, or undefined when there can
   * be none. Only entries whose signatures verified and whose signers were allowed to write are
   * stored, so a body that needs no verification is looked up as it is, and signers that could
   * never write (checked at each certificate's notBefore, as short-lived certificates expire)
   * mean there is nothing to find, and nothing to verify.
   */
  private async storableBody(parsed: ParsedEntry): Promise<Buffer | undefined> {
    if (parsed.body !== undefined) return parsed.body;
    if (!(await this.policy.allowedOnce(parsed.verifiers))) return undefined;
    try {
      return parsed.verify().body;
    } catch (err) {
      if (err instanceof EntryError && err.code === 'INVALID_SIGNATURE') return undefined;
      throw err;
    }
  }

  /** The entry with a proof against its tree's newest checkpoint. */
  async view(entry: StoredEntry): Promise<Record<string, LogEntryBody>> {
    const tree = await this.trees.tree(entry.treeId);
    const checkpoint = await this.proofs.latestCheckpoint(tree.id);
    if (checkpoint === undefined || checkpoint.treeSize <= entry.leafIndex) {
      throw new LogError(
        'UNAVAILABLE',
        `no checkpoint of tree ${tree.id} covers entry ${entry.leafIndex} yet`,
      );
    }
    const reader = this.proofs.reader(tree.id, checkpoint.treeSize);
    return logEntryView(tree, entry, checkpoint, await reader.inclusionProof(entry.leafIndex));
  }

  /**
   * A page of the UUIDs of the Rekor entries filed under every (`and`) or any (`or`) of `keys`,
   * by global index: at most `limit`, after the entry at global index `after` (from the first
   * when undefined). `next` is the global index to continue after, when more entries match.
   */
  async search(
    keys: readonly string[],
    operator: 'and' | 'or',
    page: { after?: bigint; limit: number },
  ): Promise<{ uuids: string[]; next?: bigint }> {
    // One more than the page: whether it exists says whether there is a next page.
    const rows = await this.entryRows.searchLeafHashes(keys, operator, {
      purpose: 'artifact',
      after: page.after,
      limit: page.limit + 1,
    });
    const shown = rows.slice(0, page.limit);
    return {
      uuids: shown.map((e) => entryUuid(e.treeId, e.leafHash)),
      ...(rows.length > page.limit ? { next: shown[shown.length - 1]!.globalIndex } : {}),
    };
  }

  /** The artifact tree `treeID` names, or the active one; NOT_FOUND for a tree of another purpose. */
  async artifactTree(treeId: bigint | undefined): Promise<LogTree> {
    if (treeId === undefined) return this.trees.activeOf('artifact');
    const tree = await this.trees.tree(treeId);
    if (tree.purpose !== 'artifact') throw new LogError('NOT_FOUND', `no tree ${tree.id}`);
    return tree;
  }
}
