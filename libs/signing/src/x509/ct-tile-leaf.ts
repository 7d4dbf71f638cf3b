/* How the log stores and serves a CT entry: static-ct-api's TileLeaf, so the precertificate and
   the chain (as fingerprints of `ca_certificate` rows) stay auditable, get-entries can rebuild
   RFC 6962 §4.6 `leaf_input` and `extra_data` from it, and an auditor reading the CT tree's entry
   bundles can hash each one's MerkleTreeLeaf (`signet log audit`). */
import { SigningError } from '../errors';
import { TlsReader, tlsVector } from './sct';

/** RFC 6962 §3.1 LogEntryType, as stored in `log_entry.kind`. */
export type CtEntryType = 'x509_entry' | 'precert_entry';

/** A decoded TileLeaf. */
export interface CtLeaf {
  /** RFC 6962 §3.4 TimestampedEntry, exactly as hashed into the tree. */
  readonly timestampedEntry: Buffer;
  /** The SCT and leaf timestamp, in milliseconds. */
  readonly timestamp: bigint;
  readonly entryType: CtEntryType;
  /** The logged certificate (x509_entry) or the submitted precertificate (precert_entry). */
  readonly certificate: Buffer;
  /** SHA-256 of each issuer's DER, from the leaf's issuer up to the root. */
  readonly chainFingerprints: readonly Buffer[];
}

/** The RFC 6962 §3.4 MerkleTreeLeaf: version v1(0) ‖ timestamped_entry(0) ‖ TimestampedEntry. */
export function merkleTreeLeafOf(timestampedEntry: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([0, 0]), timestampedEntry]);
}

/**
 * static-ct-api TileLeaf: TimestampedEntry ‖ (precert_entry: ASN.1Cert pre_certificate) ‖
 * Fingerprint certificate_chain<0..2^16-1>. `timestampedEntry` is the MerkleTreeLeaf without
 * its two leading bytes. Throws SigningError `INVALID_ENCODING` for an oversized field.
 */
export function encodeTileLeaf(leaf: {
  timestampedEntry: Uint8Array;
  precertificate?: Uint8Array;
  chainFingerprints: readonly Uint8Array[];
}): Buffer {
  return Buffer.concat([
    leaf.timestampedEntry,
    leaf.precertificate === undefined
      ? Buffer.alloc(0)
      : tlsVector(3, leaf.precertificate, 'precertificate'),
    tlsVector(2, Buffer.concat(leaf.chainFingerprints), 'certificate chain'),
  ]);
}

/**
 * Strict inverse of {@link encodeTileLeaf}; throws SigningError `INVALID_ENCODING` naming the
 * malformed field.
 */
export function decodeTileLeaf(body: Uint8Array): CtLeaf {
  const reader = new TlsReader(body);
  const timestamp = reader.uint64('timestamp');
  const type = reader.uint16('entry type');
  let certificate: Buffer | undefined;
  if (type === 0) certificate = reader.vector24('certificate');
  else if (type === 1) {
    reader.take(32, 'issuer key hash');
    reader.vector24('TBS certificate');
  } else throw malformed(`unknown entry type ${type}`);
  reader.vector16('extensions');
  const timestampedEntry = Buffer.from(reader.consumed);
  if (type === 1) certificate = reader.vector24('precertificate');
  const chain = reader.vector16('certificate chain');
  reader.end('the certificate chain');
  if (chain.length % 32 !== 0) throw malformed('the certificate chain is not 32-byte hashes');
  const chainFingerprints: Buffer[] = [];
  for (let i = 0; i < chain.length; i += 32) chainFingerprints.push(chain.subarray(i, i + 32));
  return {
    timestampedEntry,
    timestamp,
    entryType: type === 0 ? 'x509_entry' : 'precert_entry',
    certificate: certificate!,
    chainFingerprints,
  };
}

/**
 * RFC 6962 §4.6 `extra_data` of an entry, given the DER of its chain (issuer first, root last):
 * for x509_entry `ASN.1Cert certificate_chain<0..2^24-1>`; for precert_entry a PrecertChainEntry,
 * the precertificate then that chain.
 */
export function extraData(leaf: CtLeaf, chain: readonly Uint8Array[]): Buffer {
  const certificateChain = tlsVector(
    3,
    Buffer.concat(chain.map((der) => tlsVector(3, der, 'certificate'))),
    'certificate chain',
  );
  return leaf.entryType === 'x509_entry'
    ? certificateChain
    : Buffer.concat([tlsVector(3, leaf.certificate, 'precertificate'), certificateChain]);
}

function malformed(message: string): SigningError {
  return new SigningError('INVALID_ENCODING', message);
}
