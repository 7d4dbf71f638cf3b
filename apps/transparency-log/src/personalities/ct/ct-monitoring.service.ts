import { Injectable } from '@nestjs/common';
import {
  decodeTileLeaf,
  encodeDigitallySigned,
  extraData,
  merkleTreeLeafOf,
  type SignedTreeHead,
  treeHeadFromNote,
} from '@app/signing';
import { EntryRepository } from '../../core/entry.repository';
import { ProofsService } from '../../core/proofs.service';
import type { LogTree } from '@app/schema';
import { TreeRegistry } from '../../core/tree-registry.service';
import { InstanceCas } from '../../core/trust/instance-cas';
import { LogError } from '../../errors';

/** Most entries one get-entries answer holds (RFC 6962 §4.6 lets a log return fewer). */
export const MAX_GET_ENTRIES = 256;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/**
 * RFC 6962 §4.3–§4.7 reads of the active CT tree: the signed tree head, consistency and
 * inclusion proofs (from tiles, against sizes the log has signed), entries with their chains,
 * and the accepted roots. Sizes beyond the latest signed tree head are refused.
 */
@Injectable()
export class CtMonitoringService {
  constructor(
    private readonly trees: TreeRegistry,
    private readonly proofs: ProofsService,
    private readonly entryRows: EntryRepository,
    private readonly cas: InstanceCas,
  ) {}

  /** §4.3 get-sth. */
  async signedTreeHead(): Promise<{
    tree_size: number;
    timestamp: number;
    sha256_root_hash: string;
    tree_head_signature: string;
  }> {
    const { sth } = await this.head();
    return {
      tree_size: Number(sth.treeSize),
      timestamp: Number(sth.timestamp),
      sha256_root_hash: b64(sth.rootHash),
      tree_head_signature: b64(encodeDigitallySigned(sth.signature)),
    };
  }

  /** §4.4 get-sth-consistency. Requires 0 < first <= second <= the STH's size. */
  async consistency(first: bigint, second: bigint): Promise<{ consistency: string[] }> {
    const { tree, sth } = await this.head();
    if (first < 1n) throw new LogError('MALFORMED_REQUEST', 'first must be at least 1');
    if (first > second) {
      throw new LogError('MALFORMED_REQUEST', `first ${first} is greater than second ${second}`);
    }
    this.checkSize('second', second, sth);
    const proof = await this.proofs.reader(tree.id, second).consistencyProof(first, second);
    return { consistency: proof.map(b64) };
  }

  /** §4.5 get-proof-by-hash. Requires 0 < treeSize <= the STH's size. */
  async proofByHash(
    leafHash: Buffer,
    treeSize: bigint,
  ): Promise<{ leaf_index: number; audit_path: string[] }> {
    const { tree, sth } = await this.head();
    if (treeSize < 1n) throw new LogError('MALFORMED_REQUEST', 'tree_size must be at least 1');
    this.checkSize('tree_size', treeSize, sth);
    const entry = await this.entryRows.entryByLeafHash(leafHash, 'ct', tree.id);
    if (entry === undefined || entry.leafIndex >= treeSize) {
      throw new LogError(
        'NOT_FOUND',
        `no entry with leaf hash ${b64(leafHash)} in the first ${treeSize} entries of the CT log`,
      );
    }
    const proof = await this.proofs
      .reader(tree.id, treeSize)
      .inclusionProof(entry.leafIndex, treeSize);
    return { leaf_index: Number(entry.leafIndex), audit_path: proof.map(b64) };
  }

  /**
   * §4.6 get-entries: `start` to `end` inclusive, cut at the STH's size and at
   * {@link MAX_GET_ENTRIES}. Requires start <= end and start < the STH's size.
   */
  async entries(
    start: bigint,
    end: bigint,
  ): Promise<{ entries: Array<{ leaf_input: string; extra_data: string }> }> {
    const { tree, sth } = await this.head();
    if (start > end)
      throw new LogError('MALFORMED_REQUEST', `start ${start} is greater than end ${end}`);
    if (start >= sth.treeSize) {
      throw new LogError(
        'MALFORMED_REQUEST',
        `start ${start} is not below the tree size ${sth.treeSize} of the latest signed tree head`,
      );
    }
    const last = [end, sth.treeSize - 1n, start + BigInt(MAX_GET_ENTRIES) - 1n].reduce((a, b) =>
      a < b ? a : b,
    );
    const stored = await this.entryRows.entriesInRange(tree.id, start, last + 1n);
    const entries = [];
    for (const entry of stored) {
      const leaf = decodeTileLeaf(entry.body);
      const chain = [];
      for (const fingerprint of leaf.chainFingerprints) {
        const der = await this.cas.certificate(fingerprint);
        if (der === undefined) {
          throw new LogError(
            'UNAVAILABLE',
            `CA certificate ${fingerprint.toString('hex')} of entry ${entry.leafIndex} is missing from ca_certificate`,
          );
        }
        chain.push(der);
      }
      entries.push({
        leaf_input: b64(merkleTreeLeafOf(leaf.timestampedEntry)),
        extra_data: b64(extraData(leaf, chain)),
      });
    }
    return { entries };
  }

  /** §4.7 get-roots: the instance's CA roots, the only anchors this log accepts. */
  async roots(): Promise<{ certificates: string[] }> {
    const { roots } = await this.cas.verifier();
    return { certificates: roots.map((r) => b64(r.der)) };
  }

  private async head(): Promise<{ tree: LogTree; sth: SignedTreeHead }> {
    const tree = this.trees.activeOf('ct');
    const checkpoint = await this.proofs.latestCheckpoint(tree.id);
    if (checkpoint === undefined) {
      throw new LogError('UNAVAILABLE', `CT tree ${tree.id} has no signed tree head yet`);
    }
    return { tree, sth: treeHeadFromNote(checkpoint.note, tree.origin, tree.logId) };
  }

  private checkSize(field: string, size: bigint, sth: SignedTreeHead): void {
    if (size > sth.treeSize) {
      throw new LogError(
        'MALFORMED_REQUEST',
        `${field} ${size} is greater than the tree size ${sth.treeSize} of the latest signed tree head`,
      );
    }
  }
}
