import type { BatchProofs } from '@app/merkle';

/** An entry ready to integrate: its body, leaf hash, and its search keys. */
export interface PreparedEntry {
  body: Buffer;
  leafHash: Buffer;
  kind: string;
  apiVersion: string;
  indexKeys: readonly string[];
  /** Signed before integration (CT: the SCT's TLS DigitallySigned and its timestamp in ms). */
  presigned?: { signature: Buffer; timestamp: bigint };
}

/** Where an entry landed (or already was), and the checkpoint its proof is against. */
export interface Integrated {
  duplicate: boolean;
  leafIndex: bigint;
  /** Present for new entries: the checkpoint signed for the batch. */
  checkpoint?: { treeSize: bigint; rootHash: Buffer; note: string };
  integratedTime?: bigint;
  signedEntryTimestamp?: Buffer;
  /** Present for new entries: inclusion proofs against `checkpoint`, from the batch in memory. */
  proofs?: BatchProofs;
}
