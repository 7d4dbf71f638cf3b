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
  return root.tlogs.flatMap((tlog) => {
    const raw = tlog.publicKey?.rawBytes;
    if (raw === undefined) return [];
    try {
      return [noteVerifierOf(parsePublicKey(raw), rekorKeyName(tlog.baseUrl), 'rekor')];
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
