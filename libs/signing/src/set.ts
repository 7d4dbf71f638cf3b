import type { KeyObject } from 'node:crypto';
import { fromBase64, fromHex } from './encoding';
import { SigningError } from './errors';
import { canonicalJsonBytes } from './jcs';
import { fingerprintOf, verifySignature } from './keys';
import { assertSha256Signer, type Signer } from './signer';

/**
 * The four fields a Rekor v1 signed entry timestamp (SET, bundles' "inclusion promise") covers
 * (rekor `pkg/api/entries.go` `signEntry`; sigstore-js `packages/verify/src/tlog/set.ts`).
 */
export interface EntryTimestampPayload {
  /** Standard padded base64 of the canonicalised entry (the Merkle leaf data). */
  body: string;
  /** Unix time in whole seconds at which the log integrated the entry. */
  integratedTime: bigint | number;
  /** Lowercase hex SHA-256 of the log key's DER SPKI. */
  logID: string;
  /** The global (cross-shard) index of the entry. */
  logIndex: bigint | number;
}

/**
 * Returns the bytes a SET signs: the RFC 8785 JCS serialisation of exactly
 * `{body, integratedTime, logID, logIndex}`, integers written as JSON integers.
 *
 * @throws SigningError `INVALID_ENCODING` when `body` is empty or not canonical padded base64
 *   (the verifier re-encodes it from bytes), `logID` is not 64 lowercase hex digits, or
 *   `integratedTime` / `logIndex` is not an integer in 0..2^53-1 (JSON numbers lose precision
 *   beyond that, and sigstore-js reads them as JS numbers).
 */
export function entryTimestampPayload(payload: EntryTimestampPayload): Uint8Array {
  if (payload.body.length === 0) {
    throw new SigningError('INVALID_ENCODING', 'SET body is empty');
  }
  fromBase64(payload.body, 'SET body');
  fromHex(payload.logID, 'SET logID', 32);
  return canonicalJsonBytes({
    body: payload.body,
    integratedTime: safeInteger(payload.integratedTime, 'integratedTime'),
    logID: payload.logID,
    logIndex: safeInteger(payload.logIndex, 'logIndex'),
  });
}

/**
 * Signs a SET with the log's `signer` (ECDSA: ASN.1 DER over SHA-256).
 *
 * @returns the signature, to be sent base64-encoded as `verification.signedEntryTimestamp`.
 * @throws SigningError `INVALID_KEY` when `payload.logID` is not the signer's key;
 *   `UNSUPPORTED_KEY` for a P-384 signer ({@link assertSha256Signer}); otherwise as
 *   {@link entryTimestampPayload}.
 */
export async function signEntryTimestamp(
  signer: Signer,
  payload: EntryTimestampPayload,
): Promise<Uint8Array> {
  assertSha256Signer(signer, 'a signed entry timestamp');
  const bytes = entryTimestampPayload(payload);
  if (payload.logID !== fingerprintOf(signer.publicKey)) {
    throw new SigningError(
      'INVALID_KEY',
      "SET logID is not the SHA-256 of the signer's public key",
    );
  }
  return signer.sign(bytes);
}

/**
 * Verifies a SET against the log's public key, as sigstore-js does (SHA-256 for ECDSA and RSA).
 *
 * @throws SigningError `UNKNOWN_KEY` when `payload.logID` is not the SHA-256 of `publicKey`;
 *   `INVALID_SIGNATURE` when the signature does not verify; otherwise as
 *   {@link entryTimestampPayload}.
 */
export function verifyEntryTimestamp(
  publicKey: KeyObject,
  payload: EntryTimestampPayload,
  signature: Uint8Array,
): void {
  const bytes = entryTimestampPayload(payload);
  if (payload.logID !== fingerprintOf(publicKey)) {
    throw new SigningError('UNKNOWN_KEY', 'SET logID does not match the log public key');
  }
  if (!verifySignature(publicKey, bytes, signature, 'sha256')) {
    throw new SigningError('INVALID_SIGNATURE', 'signed entry timestamp does not verify');
  }
}

function safeInteger(value: bigint | number, what: string): number {
  const ok =
    typeof value === 'bigint'
      ? value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER)
      : Number.isSafeInteger(value) && value >= 0;
  if (!ok) {
    throw new SigningError('INVALID_ENCODING', `SET ${what} must be an integer in 0..2^53-1`);
  }
  return Number(value);
}
