/* Checking the log's signed checkpoints against the trusted root's log keys. */
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import {
  type Checkpoint,
  type NoteVerifier,
  noteVerifierOf,
  openCheckpoint,
  parsePublicKey,
  rekorKeyName,
} from '@app/signing';
import { verificationFailed } from '../cli/exit-codes';

/**
 * Note verifiers for every log key of the trusted root: key name = the host[:port] of the log's
 * `baseUrl`, key ID = the first 4 bytes of its log ID (Rekor's checkpoint rule). Keys signet
 * cannot parse (PKCS#1 RSA) are left out.
 */
export function checkpointVerifiers(root: TrustedRoot): NoteVerifier[] {
  return logKeyVerifiers(root.tlogs, (key, tlog) =>
    noteVerifierOf(key, rekorKeyName(tlog.baseUrl), 'rekor'),
  );
}

/**
 * Note verifiers for Rekor v2 checkpoints (C2SP signed notes) by the keys of `tlogs`: key name =
 * the hostname of the log's `baseUrl`, key ID as C2SP derives it. Keys signet cannot parse, and
 * logs whose `baseUrl` is not a URL, are left out.
 */
export function c2spCheckpointVerifiers(tlogs: TrustedRoot['tlogs']): NoteVerifier[] {
  return logKeyVerifiers(tlogs, (key, tlog) =>
    noteVerifierOf(key, new URL(tlog.baseUrl).hostname, 'c2sp'),
  );
}

/**
 * `make(key, log)` for each log (tlog or CT log) of the trusted root whose key signet can parse;
 * the others, and any `make` refuses by throwing, are left out.
 */
export function logKeyVerifiers(
  tlogs: TrustedRoot['tlogs'],
  make: (
    key: ReturnType<typeof parsePublicKey>,
    tlog: TrustedRoot['tlogs'][number],
  ) => NoteVerifier,
): NoteVerifier[] {
  return tlogs.flatMap((tlog) => {
    const raw = tlog.publicKey?.rawBytes;
    if (raw === undefined) return [];
    try {
      return [make(parsePublicKey(raw), tlog)];
    } catch {
      return [];
    }
  });
}

/**
 * Opens a signed checkpoint note with the trusted root's log keys. Throws a failed
 * verification (code `CHECKPOINT_ERROR`) when no trusted key signed it or a signature is bad.
 */
export function openSignedCheckpoint(note: string, root: TrustedRoot, what: string): Checkpoint {
  try {
    return openCheckpoint(note, checkpointVerifiers(root)).checkpoint;
  } catch (err) {
    throw verificationFailed(
      `${what} does not verify with the trusted root's log keys: ${(err as Error).message}`,
      'CHECKPOINT_ERROR',
      err,
    );
  }
}
