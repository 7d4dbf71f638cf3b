/* RFC 6962 CT log entries, read back by `signet admin audit`: the signed tree head checked with
   the trusted root's CT keys, every entry decoded, and their leaves hashed into that head's root
   so that the listing is proven complete (no certificate left out) and unaltered. */
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { hashLeaf, rootFromLeafHashes } from '@app/merkle';
import {
  decodeDigitallySigned,
  parsePublicKey,
  precertEntry,
  type SignedTreeHead,
  TlsReader,
  verifyTreeHead,
} from '@app/signing';

const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(b);

/** `GET /ct/v1/get-sth` (RFC 6962 §4.3). */
export interface GetSthResponse {
  tree_size: number;
  timestamp: number;
  sha256_root_hash: string;
  tree_head_signature: string;
}

/** One item of `GET /ct/v1/get-entries` (RFC 6962 §4.6). */
export interface GetEntriesItem {
  leaf_input: string;
  extra_data: string;
}

/** A CT entry, decoded and bound to its leaf. */
export interface CtCertificateEntry {
  readonly index: bigint;
  /** The log's timestamp of the entry, ms since the epoch. */
  readonly timestamp: bigint;
  readonly type: 'x509' | 'precert';
  /** The certificate (x509) or the precertificate (precert, from extra_data), DER. */
  readonly certificate: Uint8Array;
  /** The chain the submitter sent, issuer first (extra_data). */
  readonly chain: readonly Uint8Array[];
  /** precert: RFC 6962 issuer_key_hash and TBS without poison, as hashed into the tree. */
  readonly issuerKeyHash?: Uint8Array;
  readonly tbsCertificate?: Uint8Array;
}

/**
 * The tree head of a get-sth answer, if its signature verifies with one of the trusted root's CT
 * log keys; throws an Error naming why not.
 */
export function verifiedTreeHead(sth: GetSthResponse, root: TrustedRoot): SignedTreeHead {
  const head: SignedTreeHead = {
    treeSize: BigInt(sth.tree_size),
    timestamp: BigInt(sth.timestamp),
    rootHash: Buffer.from(sth.sha256_root_hash, 'base64'),
    signature: decodeDigitallySigned(Buffer.from(sth.tree_head_signature, 'base64')),
  };
  const keys = root.ctlogs.flatMap((log) => {
    try {
      return log.publicKey?.rawBytes === undefined ? [] : [parsePublicKey(log.publicKey.rawBytes)];
    } catch {
      return [];
    }
  });
  if (keys.length === 0) throw new Error('the trusted root lists no CT log key');
  if (!keys.some((k) => verifyTreeHead(k, head))) {
    throw new Error(
      "the CT log's signed tree head does not verify with the trusted root's CT keys",
    );
  }
  return head;
}

/**
 * Checks that the leaves `leafInputs` (MerkleTreeLeaf bytes, index order) are the whole tree of
 * `head`: as many as its size, hashing to its root (RFC 6962 §2.1). Throws an Error if not.
 */
export function checkListingComplete(
  head: SignedTreeHead,
  leafInputs: readonly Uint8Array[],
): void {
  if (BigInt(leafInputs.length) !== head.treeSize) {
    throw new Error(
      `the CT log listed ${leafInputs.length} entries for a tree of ${head.treeSize}`,
    );
  }
  if (!bytesEqual(rootFromLeafHashes(leafInputs.map((l) => hashLeaf(l))), head.rootHash)) {
    throw new Error("the CT log's entries do not hash to its signed tree head's root");
  }
}

/**
 * Decodes entry `index` (RFC 6962 §3.4 MerkleTreeLeaf and §4.6 extra_data). For a precert, the
 * precertificate of extra_data must yield the leaf's issuer key hash and TBS with its first chain
 * certificate as issuer (else the certificate read is not the one the tree commits to). Throws an
 * Error naming the malformed or mismatched part.
 */
export function decodeCtEntry(
  index: bigint,
  leafInput: Uint8Array,
  extraData: Uint8Array,
): CtCertificateEntry {
  const leaf = new TlsReader(leafInput);
  if (leaf.uint8('version') !== 0 || leaf.uint8('leaf type') !== 0) {
    throw new Error(`CT entry ${index}: not a v1 timestamped entry`);
  }
  const timestamp = leaf.uint64('timestamp');
  const type = leaf.uint16('entry type');
  const extra = new TlsReader(extraData);
  if (type === 0) {
    const certificate = leaf.vector24('certificate');
    leaf.vector16('extensions');
    leaf.end('the leaf');
    const chain = chainOf(extra.vector24('certificate chain'));
    extra.end('extra_data');
    return { index, timestamp, type: 'x509', certificate, chain };
  }
  if (type !== 1) throw new Error(`CT entry ${index}: unknown entry type ${type}`);
  const issuerKeyHash = leaf.take(32, 'issuer key hash');
  const tbsCertificate = leaf.vector24('TBS certificate');
  leaf.vector16('extensions');
  leaf.end('the leaf');
  const certificate = extra.vector24('precertificate');
  const chain = chainOf(extra.vector24('certificate chain'));
  extra.end('extra_data');
  const issuer = chain[0];
  if (issuer === undefined) throw new Error(`CT entry ${index}: the precertificate has no chain`);
  const bound = precertEntry(certificate, issuer);
  if (
    bound.type !== 'precert' ||
    !bytesEqual(bound.issuerKeyHash, issuerKeyHash) ||
    !bytesEqual(bound.tbsCertificate, tbsCertificate)
  ) {
    throw new Error(`CT entry ${index}: its precertificate is not the one its leaf commits to`);
  }
  return { index, timestamp, type: 'precert', certificate, chain, issuerKeyHash, tbsCertificate };
}

function chainOf(bytes: Uint8Array): Uint8Array[] {
  const reader = new TlsReader(bytes);
  const chain: Uint8Array[] = [];
  while (reader.remaining > 0) chain.push(reader.vector24('chain certificate'));
  return chain;
}
