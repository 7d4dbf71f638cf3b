/* RFC 6962 signed tree heads, and their C2SP form: a checkpoint note whose signature is a
   static-ct-api RFC6962NoteSignature, so one stored note yields both `get-sth` and a checkpoint. */
import { createHash, type KeyObject } from 'node:crypto';
import { parseCheckpoint } from '../checkpoint';
import { verifySignature } from '../keys';
import { parseNote } from '../note';
import type { NoteSigner, NoteVerifier } from '../note-key';
import type { Signer } from '../signer';
import {
  decodeDigitallySigned,
  type DigitallySigned,
  encodeDigitallySigned,
  TlsReader,
  tlsUint64,
} from './sct';

/** An RFC 6962 §3.5 tree head: what `get-sth` serves. */
export interface SignedTreeHead {
  readonly treeSize: bigint;
  /** Milliseconds since the epoch. */
  readonly timestamp: bigint;
  readonly rootHash: Uint8Array;
  readonly signature: DigitallySigned;
}

/** static-ct-api's signature type byte of RFC6962NoteSignature. */
const RFC6962_NOTE_SIGNATURE = 0x05;

/**
 * The bytes a TreeHeadSignature covers (RFC 6962 §3.5): version v1(0) ‖ signature_type
 * tree_hash(1) ‖ uint64 timestamp ‖ uint64 tree_size ‖ sha256_root_hash[32].
 */
export function treeHeadSignatureInput(head: {
  timestamp: bigint;
  treeSize: bigint;
  rootHash: Uint8Array;
}): Buffer {
  if (head.rootHash.length !== 32) throw new RangeError('the root hash must be 32 bytes');
  return Buffer.concat([
    Buffer.from([0, 1]),
    tlsUint64(head.timestamp),
    tlsUint64(head.treeSize),
    head.rootHash,
  ]);
}

/**
 * Signs a tree head with the CT log's key. Requires an ECDSA P-256 signer (the only key type
 * this log uses: sha256(4)/ecdsa(3)); throws otherwise, or when the signature does not verify
 * under the signer's own public key (a misconfigured HSM must not publish unverifiable heads).
 */
export async function signTreeHead(
  signer: Signer,
  head: { timestamp: bigint; treeSize: bigint; rootHash: Uint8Array },
): Promise<DigitallySigned> {
  if (signer.algorithm !== 'ecdsa-p256-sha256') {
    throw new Error(`a CT log key must be ECDSA P-256, not ${signer.algorithm}`);
  }
  const input = treeHeadSignatureInput(head);
  const signature = await signer.sign(input);
  if (!verifySignature(signer.publicKey, input, signature, 'sha256')) {
    throw new Error('the CT log key produced a tree head signature that does not verify');
  }
  return { hashAlgorithm: 4, signatureAlgorithm: 3, signature };
}

/** Whether `sth` carries a valid sha256/ecdsa signature by `publicKey` (RFC 6962 §3.5). */
export function verifyTreeHead(publicKey: KeyObject, sth: SignedTreeHead): boolean {
  const { hashAlgorithm, signatureAlgorithm, signature } = sth.signature;
  if (hashAlgorithm !== 4 || signatureAlgorithm !== 3) return false;
  return verifySignature(publicKey, treeHeadSignatureInput(sth), signature, 'sha256');
}

/**
 * The note key ID of an RFC6962NoteSignature (static-ct-api "Checkpoints"): the first four bytes
 * of SHA-256(key name ‖ 0x0A ‖ 0x05 ‖ RFC 6962 LogID).
 */
export function rfc6962NoteKeyId(name: string, logId: Uint8Array): number {
  return createHash('sha256')
    .update(name)
    .update(Uint8Array.of(0x0a, RFC6962_NOTE_SIGNATURE))
    .update(logId)
    .digest()
    .readUInt32BE(0);
}

/**
 * A note signer whose signature over a checkpoint is static-ct-api's RFC6962NoteSignature:
 * uint64 `timestamp` ‖ the TLS TreeHeadSignature of (timestamp, size, root) read from the
 * checkpoint text. `name` must be the checkpoint origin.
 */
export function rfc6962NoteSigner(
  signer: Signer,
  name: string,
  logId: Uint8Array,
  timestamp: bigint,
): NoteSigner {
  return {
    name,
    keyId: rfc6962NoteKeyId(name, logId),
    sign: async (text) => {
      const { treeSize, rootHash } = parseCheckpoint(Buffer.from(text).toString('utf8'));
      const signed = await signTreeHead(signer, { timestamp, treeSize, rootHash });
      return Buffer.concat([tlsUint64(timestamp), encodeDigitallySigned(signed)]);
    },
  };
}

/** Verifies RFC6962NoteSignatures by `publicKey` under `name` (for `openCheckpoint`). */
export function rfc6962NoteVerifier(
  publicKey: KeyObject,
  name: string,
  logId: Uint8Array,
): NoteVerifier {
  return {
    name,
    keyId: rfc6962NoteKeyId(name, logId),
    verify: (text, signature) => {
      try {
        return verifyTreeHead(publicKey, treeHead(Buffer.from(text).toString('utf8'), signature));
      } catch {
        return false;
      }
    },
  };
}

/**
 * The signed tree head carried by a checkpoint note signed with {@link rfc6962NoteSigner} under
 * `name` and `logId`. Does not verify the signature. Throws when the note has no such signature
 * or is malformed.
 */
export function treeHeadFromNote(note: string, name: string, logId: Uint8Array): SignedTreeHead {
  const { text, signatures } = parseNote(note);
  const keyId = rfc6962NoteKeyId(name, logId);
  const line = signatures.find((s) => s.name === name && s.keyId === keyId);
  if (line === undefined) throw new Error(`the checkpoint has no RFC 6962 signature by ${name}`);
  return treeHead(text, line.signature);
}

function treeHead(text: string, noteSignature: Uint8Array): SignedTreeHead {
  const { treeSize, rootHash } = parseCheckpoint(text);
  const reader = new TlsReader(noteSignature);
  const timestamp = reader.uint64('timestamp');
  return { treeSize, rootHash, timestamp, signature: decodeDigitallySigned(reader.rest()) };
}
