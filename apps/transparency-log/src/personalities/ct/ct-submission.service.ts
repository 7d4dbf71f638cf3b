import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { hashLeaf, MAX_ENTRY_SIZE } from '@app/merkle';
import {
  type CtLogEntry,
  decodeDigitallySigned,
  decodeTileLeaf,
  type DigitallySigned,
  encodeDigitallySigned,
  encodeTileLeaf,
  merkleTreeLeaf,
  precertEntry,
  signSct,
} from '@app/signing';
import { EntryRepository } from '../../core/entry.repository';
import { TreeRegistry } from '../../core/tree-registry.service';
import { InstanceCas } from '../../core/trust/instance-cas';
import { type CtSubmission, parseChainRequest, verifySubmittedChain } from './ct-chain';
import { CtError } from './ct.errors';

/** RFC 6962 §4.1 AddChainResponse. */
export interface AddChainResponse {
  sct_version: 0;
  /** base64 LogID: SHA-256 of the CT key's DER SubjectPublicKeyInfo. */
  id: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** base64 CtExtensions (empty). */
  extensions: string;
  /** base64 TLS DigitallySigned: hash 4 (sha256), signature 3 (ecdsa), uint16 length, DER. */
  signature: string;
}

/**
 * RFC 6962 add-chain and add-pre-chain: checks the chain, signs an SCT over the x509_entry or
 * precert_entry, and returns it once the entry (the MerkleTreeLeaf with the SCT's timestamp) is
 * committed to the active CT tree. The SCT signature is stored with the entry
 * (`signed_entry_timestamp`), so a resubmission of the same certificate gets the same SCT back.
 */
@Injectable()
export class CtSubmissionService {
  constructor(
    private readonly trees: TreeRegistry,
    private readonly entryRows: EntryRepository,
    private readonly cas: InstanceCas,
  ) {}

  async add(body: unknown, submission: CtSubmission): Promise<AddChainResponse> {
    const trust = await this.cas.verifier();
    const path = verifySubmittedChain(parseChainRequest(body, trust), submission, trust);
    const leaf = path[0]!;
    const entry: CtLogEntry =
      submission === 'precertificate'
        ? precertEntry(leaf, path[1]!)
        : { type: 'x509', certificate: leaf.der };
    const tree = this.trees.activeOf('ct');
    const key = resubmissionKey(entry);
    const logged = await this.entryRows.entryByIndexKey(tree.id, key);
    if (logged !== undefined) {
      const { timestamp } = decodeTileLeaf(logged.body);
      return response(tree.logId, timestamp, decodeDigitallySigned(logged.signedEntryTimestamp));
    }

    const timestamp = BigInt(Date.now());
    const sct = await signSct(this.trees.signerOf('ct'), { timestamp, entry });
    const merkleLeaf = merkleTreeLeaf({ timestamp, entry });
    const stored = encodeTileLeaf({
      timestampedEntry: merkleLeaf.subarray(2),
      precertificate: submission === 'precertificate' ? leaf.der : undefined,
      chainFingerprints: path.slice(1).map((c) => sha256(c.der)),
    });
    if (stored.length > MAX_ENTRY_SIZE) {
      throw new CtError(
        'MALFORMED_CHAIN',
        `the entry would take ${stored.length} bytes; certificates this large are not accepted (at most ${MAX_ENTRY_SIZE})`,
      );
    }
    await this.trees.append(
      {
        body: stored,
        leafHash: Buffer.from(hashLeaf(merkleLeaf)),
        kind: entry.type === 'x509' ? 'x509_entry' : 'precert_entry',
        apiVersion: 'v1',
        indexKeys: [key],
        presigned: { signature: encodeDigitallySigned(sct), timestamp },
      },
      'ct',
    );
    return response(tree.logId, timestamp, sct);
  }
}

/**
 * The search key under which an entry is filed, so that a resubmission finds it: what the SCT
 * signs, i.e. the certificate, or the issuer key hash and TBS of a precertificate (a CA that
 * retries re-signs its precertificate, which changes only the signature).
 */
function resubmissionKey(entry: CtLogEntry): string {
  const signed =
    entry.type === 'x509'
      ? entry.certificate
      : Buffer.concat([entry.issuerKeyHash, entry.tbsCertificate]);
  return `ct:${entry.type}:sha256:${sha256(signed).toString('hex')}`;
}

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

function response(logId: Buffer, timestamp: bigint, signed: DigitallySigned): AddChainResponse {
  return {
    sct_version: 0,
    id: logId.toString('base64'),
    timestamp: Number(timestamp),
    extensions: '',
    signature: encodeDigitallySigned(signed).toString('base64'),
  };
}
