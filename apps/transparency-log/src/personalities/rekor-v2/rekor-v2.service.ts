import { Injectable } from '@nestjs/common';
import { hashLeaf } from '@app/merkle';
import type { LogTree } from '@app/schema';
import { EntryRepository } from '../../core/entry.repository';
import { checkEntrySize } from '../../core/entry-size';
import { ProofsService } from '../../core/proofs.service';
import { TreeRegistry } from '../../core/tree-registry.service';
import type { StoredCheckpoint } from '../../core/tree.repository';
import { WritePolicy } from '../../core/trust/write-policy';
import { LogError } from '../../errors';
import { parseCreateEntryRequest } from './hashedrekord-v002';

/** rekor-tiles' answer for a write to a frozen shard. */
export const FROZEN_MESSAGE = 'This log has been frozen, please switch to the latest log.';

/** protobuf-specs `TransparencyLogEntry` in protojson (int64 as strings, bytes as base64). */
export interface TransparencyLogEntryJson {
  logIndex: string;
  logId: { keyId: string };
  kindVersion: { kind: 'hashedrekord' | 'dsse'; version: '0.0.2' };
  inclusionProof: {
    logIndex: string;
    rootHash: string;
    treeSize: string;
    hashes: string[];
    checkpoint: { envelope: string };
  };
  canonicalizedBody: string;
}

/**
 * Rekor v2 writes (rekor-tiles `CreateEntry`, hashedrekord, and sigstore-js's dsse): authorize the verifier (as v1 writes), then verify
 * the signature, then integrate; answer with the entry, its inclusion proof and the checkpoint
 * it is proved against (no SET: v2 entries carry none). A duplicate answers the entry already
 * logged, proved against the newest checkpoint: sigstore-js retries a timed-out POST and has no
 * v2 fetch-on-conflict, so a bare 409 would fail its signing.
 */
@Injectable()
export class RekorV2Service {
  constructor(
    private readonly trees: TreeRegistry,
    private readonly proofs: ProofsService,
    private readonly entryRows: EntryRepository,
    private readonly policy: WritePolicy,
  ) {}

  async create(request: unknown, hostname: string): Promise<TransparencyLogEntryJson> {
    const addressed = await this.trees.treeWithOrigin('rekor-v2', hostname);
    if (addressed !== undefined && !addressed.active) throw new LogError('FROZEN', FROZEN_MESSAGE);
    const entry = parseCreateEntryRequest(request);
    checkEntrySize(entry.body.length);
    await this.policy.check([entry.verifier], new Date());
    entry.verify();
    const tree = this.trees.activeOf('rekor-v2');
    const leafHash = Buffer.from(hashLeaf(entry.body));
    const result = await this.trees.append(
      { body: entry.body, leafHash, kind: entry.kind, apiVersion: '0.0.2', indexKeys: [] },
      'rekor-v2',
    );
    if (!result.duplicate && result.checkpoint !== undefined) {
      const proof =
        result.proofs?.inclusionProof(result.leafIndex) ??
        (await this.proofs
          .reader(tree.id, result.checkpoint.treeSize)
          .inclusionProof(result.leafIndex));
      return transparencyLogEntry(tree, result.leafIndex, entry, result.checkpoint, proof);
    }
    const existing = await this.entryRows.entryByLeafHash(leafHash, 'rekor-v2', tree.id);
    const checkpoint = await this.proofs.latestCheckpoint(tree.id);
    if (
      existing === undefined ||
      checkpoint === undefined ||
      checkpoint.treeSize <= existing.leafIndex
    ) {
      throw new LogError(
        'UNAVAILABLE',
        'the entry is logged but not yet covered by a checkpoint; retry',
        undefined,
        {
          retryAfterSeconds: 1,
        },
      );
    }
    const proof = await this.proofs
      .reader(tree.id, checkpoint.treeSize)
      .inclusionProof(existing.leafIndex);
    return transparencyLogEntry(tree, existing.leafIndex, entry, checkpoint, proof);
  }
}

function transparencyLogEntry(
  tree: LogTree,
  leafIndex: bigint,
  { body, kind }: { body: Buffer; kind: 'hashedrekord' | 'dsse' },
  checkpoint: StoredCheckpoint,
  proof: readonly Uint8Array[],
): TransparencyLogEntryJson {
  return {
    logIndex: leafIndex.toString(),
    logId: { keyId: tree.logId.toString('base64') },
    kindVersion: { kind, version: '0.0.2' },
    inclusionProof: {
      logIndex: leafIndex.toString(),
      rootHash: checkpoint.rootHash.toString('base64'),
      treeSize: checkpoint.treeSize.toString(),
      hashes: proof.map((h) => Buffer.from(h).toString('base64')),
      checkpoint: { envelope: checkpoint.note },
    },
    canonicalizedBody: body.toString('base64'),
  };
}
