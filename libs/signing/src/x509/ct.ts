import { createHash, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { SigningError } from '../errors';
import type { SignatureAlgorithm, Signer } from '../signer';
import { signAndCheck } from './algorithms';
import { concatBytes, hex, bytesEqual } from './der';
import { subjectPublicKeyInfoOf } from './issue';
import { X509Oid } from './oids';
import { asParsedCertificate, type CertificateInput } from './parse';
import { type SignedCertificateTimestamp, tlsUint16, tlsUint64, tlsVector } from './sct';
import { tbsFields, encodeTbs } from './tbs';

/**
 * What an SCT or a CT Merkle leaf commits to (RFC 6962 §3.1, `LogEntryType`): a whole DER
 * certificate (`x509_entry`), or a precertificate's issuer key hash and TBS without the poison
 * (`precert_entry`).
 */
export type CtLogEntry =
  | { readonly type: 'x509'; readonly certificate: Uint8Array }
  | {
      readonly type: 'precert';
      /** SHA-256 of the issuer's DER SubjectPublicKeyInfo (32 bytes). */
      readonly issuerKeyHash: Uint8Array;
      /** DER TBSCertificate without the poison (and without any SCT list). */
      readonly tbsCertificate: Uint8Array;
    };

/** The timestamped part shared by the SCT signature input and the Merkle leaf (RFC 6962 §3.4). */
export interface TimestampedEntryInput {
  /** Milliseconds since the epoch (uint64). */
  readonly timestamp: bigint;
  readonly entry: CtLogEntry;
  /** CtExtensions; defaults to empty. */
  readonly extensions?: Uint8Array;
}

/** TLS (hash, signature) codes per signer algorithm (RFC 5246 §7.4.1.4.1; RFC 8422 §5.1.3). */
const SCT_ALGORITHMS: Readonly<Record<SignatureAlgorithm, readonly [number, number]>> = {
  'ecdsa-p256-sha256': [4, 3],
  'ecdsa-p384-sha384': [5, 3],
  'rsa-pkcs1-sha256': [4, 1],
  ed25519: [8, 7],
};

const VERIFY_ALGORITHMS: ReadonlyArray<{
  codes: readonly [number, number];
  digest: string | null;
  keyType: string;
}> = [
  { codes: [4, 3], digest: 'sha256', keyType: 'ec' },
  { codes: [5, 3], digest: 'sha384', keyType: 'ec' },
  { codes: [4, 1], digest: 'sha256', keyType: 'rsa' },
  { codes: [8, 7], digest: null, keyType: 'ed25519' },
];

function encodingError(message: string): never {
  throw new SigningError('INVALID_ENCODING', message);
}

function timestampedEntry({
  timestamp,
  entry,
  extensions = new Uint8Array(0),
}: TimestampedEntryInput): Uint8Array {
  if (timestamp < 0n || timestamp > 0xffffffffffffffffn)
    encodingError('timestamp out of uint64 range');
  if (extensions.length > 0xffff) encodingError('CtExtensions longer than 65535 bytes');
  let signedEntry: Uint8Array;
  if (entry.type === 'x509') {
    // ASN.1Cert and TBSCertificate are `opaque <1..2^24-1>`.
    signedEntry = concatBytes(tlsUint16(0), tlsVector(3, entry.certificate, 'certificate', 1));
  } else {
    if (entry.issuerKeyHash.length !== 32) encodingError('issuer_key_hash must be 32 bytes');
    signedEntry = concatBytes(
      tlsUint16(1),
      entry.issuerKeyHash,
      tlsVector(3, entry.tbsCertificate, 'TBSCertificate', 1),
    );
  }
  return concatBytes(tlsUint64(timestamp), signedEntry, tlsVector(2, extensions, 'CtExtensions'));
}

/**
 * The bytes an SCT signature covers (RFC 6962 §3.2 `digitally-signed struct`): sct_version v1(0)
 * ‖ signature_type certificate_timestamp(0) ‖ timestamp ‖ entry_type ‖ signed entry ‖
 * extensions. Throws `INVALID_ENCODING` for out-of-range fields.
 */
export function sctSignatureInput(input: TimestampedEntryInput): Uint8Array {
  return concatBytes(Uint8Array.of(0, 0), timestampedEntry(input));
}

/**
 * The RFC 6962 §3.4 `MerkleTreeLeaf` a CT log hashes (leaf hash = SHA-256(0x00 ‖ this)):
 * version v1(0) ‖ leaf_type timestamped_entry(0) ‖ TimestampedEntry. Throws `INVALID_ENCODING`.
 */
export function merkleTreeLeaf(input: TimestampedEntryInput): Uint8Array {
  return concatBytes(Uint8Array.of(0, 0), timestampedEntry(input));
}

/** SHA-256 of the issuer certificate's DER SubjectPublicKeyInfo: RFC 6962 §3.2 `issuer_key_hash`. */
export function issuerKeyHash(issuer: CertificateInput): Uint8Array {
  const spki = asParsedCertificate(issuer).subjectPublicKeyInfo;
  return new Uint8Array(createHash('sha256').update(spki).digest());
}

/** RFC 6962 §3.2 LogID of a log key: SHA-256 of its DER SubjectPublicKeyInfo. */
export function ctLogId(logKey: KeyObject): Uint8Array {
  return new Uint8Array(createHash('sha256').update(subjectPublicKeyInfoOf(logKey)).digest());
}

/**
 * The `precert_entry` for a certificate issued by `issuer` (RFC 6962 §3.2): works on the
 * precertificate (the poison is removed) and on the final certificate (the SCT list is removed),
 * which yield the same entry. Assumes the precertificate was signed by the final issuer itself,
 * not a Precertificate Signing Certificate. Throws `INVALID_CERTIFICATE` for malformed input.
 */
export function precertEntry(certificate: CertificateInput, issuer: CertificateInput): CtLogEntry {
  const fields = tbsFields(asParsedCertificate(certificate).tbsCertificate);
  const kept = fields.extensions.filter(
    (e) => e.oid !== X509Oid.ctPoison && e.oid !== X509Oid.ctSctList,
  );
  return {
    type: 'precert',
    issuerKeyHash: issuerKeyHash(issuer),
    tbsCertificate: encodeTbs(
      fields.head,
      kept.map((e) => e.encoding),
    ),
  };
}

/**
 * Issues an SCT for `entry` at `timestamp` with the log's signer (RFC 6962 §3.2): the log ID is
 * SHA-256 of the signer's SPKI, the algorithm codes follow the signer (ECDSA P-256 gives
 * sha256/ecdsa, which is what sigstore-js and RFC 6962 logs expect). Throws `SIGNER_FAILURE`.
 */
export async function signSct(
  signer: Signer,
  input: TimestampedEntryInput,
): Promise<SignedCertificateTimestamp> {
  const [hashAlgorithm, signatureAlgorithm] = SCT_ALGORITHMS[signer.algorithm];
  const signature = await signAndCheck(signer, sctSignatureInput(input));
  return {
    version: 0,
    logId: ctLogId(signer.publicKey),
    timestamp: input.timestamp,
    extensions: input.extensions ?? new Uint8Array(0),
    hashAlgorithm,
    signatureAlgorithm,
    signature,
  };
}

/**
 * Checks an SCT over `entry` against the log's public key (RFC 6962 §3.2 / §5.2). Returns
 * normally when it verifies. Throws `UNKNOWN_KEY` when the SCT's log ID is not this key's, and
 * `INVALID_SIGNATURE` when the algorithm codes do not fit the key or the signature is wrong.
 */
export function verifySct(
  sct: SignedCertificateTimestamp,
  entry: CtLogEntry,
  logKey: KeyObject,
): void {
  const expected = ctLogId(logKey);
  if (!bytesEqual(sct.logId, expected)) {
    throw new SigningError(
      'UNKNOWN_KEY',
      `SCT log ID ${hex(sct.logId)} is not the log key's ID ${hex(expected)}`,
    );
  }
  const algorithm = VERIFY_ALGORITHMS.find(
    (a) => a.codes[0] === sct.hashAlgorithm && a.codes[1] === sct.signatureAlgorithm,
  );
  if (algorithm === undefined || algorithm.keyType !== logKey.asymmetricKeyType) {
    throw new SigningError(
      'INVALID_SIGNATURE',
      `SCT algorithm (hash ${sct.hashAlgorithm}, signature ${sct.signatureAlgorithm}) does not fit the log's ${logKey.asymmetricKeyType ?? 'unknown'} key`,
    );
  }
  const data = sctSignatureInput({ timestamp: sct.timestamp, entry, extensions: sct.extensions });
  let ok: boolean;
  try {
    ok = nodeVerify(algorithm.digest, data, logKey, sct.signature);
  } catch {
    ok = false;
  }
  if (!ok) throw new SigningError('INVALID_SIGNATURE', 'SCT signature does not verify');
}
