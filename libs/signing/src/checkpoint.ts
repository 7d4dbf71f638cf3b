import { fromBase64, toBase64 } from './encoding';
import { SigningError } from './errors';
import { openNote, signNote, type OpenedNote } from './note';
import { isValidKeyName, noteSignerOf, type NoteKeyIdRule, type NoteVerifier } from './note-key';
import type { Signer } from './signer';

/** A log checkpoint (C2SP tlog-checkpoint): the log's origin, size and RFC 6962 root hash. */
export interface Checkpoint {
  /** Unique identity of the log; Rekor's form is `<host[:port]> - <treeID>`. */
  origin: string;
  treeSize: bigint;
  /** SHA-256 Merkle tree hash (RFC 6962 §2.1), 32 bytes. */
  rootHash: Uint8Array;
  /** Optional extension lines (NOT RECOMMENDED by the spec; kept for Rekor-era notes). */
  extensions?: string[];
}

/** A checkpoint together with the opened note that carried it. */
export interface OpenedCheckpoint {
  checkpoint: Checkpoint;
  note: OpenedNote;
}

const MAX_TREE_SIZE = 2n ** 64n - 1n;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/**
 * Returns the note text of `checkpoint`: origin, decimal tree size and base64 root hash, then
 * any extension lines, each ending in a newline (C2SP tlog-checkpoint "Note text").
 *
 * @throws SigningError `INVALID_CHECKPOINT` when the origin is empty or multi-line, the size
 *   is outside 0..2^64-1, the root hash is not 32 bytes, or an extension line is empty or
 *   multi-line.
 */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, treeSize, rootHash, extensions = [] } = checkpoint;
  if (origin.length === 0 || origin.includes('\n')) {
    throw invalid('checkpoint origin must be one non-empty line');
  }
  if (treeSize < 0n || treeSize > MAX_TREE_SIZE)
    throw invalid('checkpoint tree size is outside 0..2^64-1');
  if (rootHash.length !== 32)
    throw invalid(`checkpoint root hash must be 32 bytes, got ${rootHash.length}`);
  extensions.forEach((line, index) => {
    if (line.length === 0 || line.includes('\n')) {
      throw invalid(`checkpoint extension line ${index + 1} must be one non-empty line`);
    }
  });
  return [origin, treeSize.toString(), toBase64(rootHash), ...extensions].join('\n') + '\n';
}

/**
 * Parses a checkpoint note text (without signatures), strictly: at least three lines, a
 * non-empty origin, a canonical decimal size below 2^64, a canonical base64 32-byte root hash,
 * and non-empty extension lines.
 *
 * @throws SigningError `INVALID_CHECKPOINT` naming the first rule broken.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw invalid('checkpoint text does not end with a newline');
  const [origin, size, root, ...extensions] = text.slice(0, -1).split('\n');
  if (origin === undefined || size === undefined || root === undefined) {
    throw invalid('checkpoint has fewer than 3 lines');
  }
  if (origin.length === 0) throw invalid('checkpoint origin is empty');
  if (!DECIMAL.test(size))
    throw invalid(`checkpoint tree size ${JSON.stringify(size)} is not canonical decimal`);
  const treeSize = BigInt(size);
  if (treeSize > MAX_TREE_SIZE) throw invalid('checkpoint tree size exceeds 2^64-1');
  let rootHash: Uint8Array;
  try {
    rootHash = fromBase64(root, 'checkpoint root hash');
  } catch (cause) {
    throw new SigningError('INVALID_CHECKPOINT', 'checkpoint root hash is not canonical base64', {
      cause,
    });
  }
  if (rootHash.length !== 32)
    throw invalid(`checkpoint root hash must be 32 bytes, got ${rootHash.length}`);
  const empty = extensions.findIndex((line) => line.length === 0);
  if (empty >= 0) throw invalid(`checkpoint extension line ${empty + 1} is empty`);
  return { origin, treeSize, rootHash, extensions };
}

/**
 * Signs `checkpoint` with `signer` under key name `name` and returns the signed note. The
 * default key-ID rule is `rekor` so that sigstore-js and cosign accept it (tlog-peers §1.4).
 *
 * @throws SigningError as {@link formatCheckpoint} and {@link noteSignerOf}.
 */
export async function signCheckpoint(
  signer: Signer,
  name: string,
  checkpoint: Checkpoint,
  rule: NoteKeyIdRule = 'rekor',
): Promise<string> {
  return signNote(formatCheckpoint(checkpoint), [noteSignerOf(signer, name, rule)]);
}

/**
 * Verifies a signed checkpoint note against trusted `verifiers` (see {@link openNote}) and
 * parses its text; when `origin` is given, the checkpoint must be for that log.
 *
 * @throws SigningError as {@link openNote} and {@link parseCheckpoint}; `INVALID_CHECKPOINT`
 *   when the origin differs from `origin`.
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  origin?: string,
): OpenedCheckpoint {
  const opened = openNote(note, verifiers);
  const checkpoint = parseCheckpoint(opened.text);
  if (origin !== undefined && checkpoint.origin !== origin) {
    throw invalid(
      `checkpoint origin ${JSON.stringify(checkpoint.origin)} is not ${JSON.stringify(origin)}`,
    );
  }
  return { checkpoint, note: opened };
}

/**
 * Returns the note key name of a Rekor-compatible log: the `host[:port]` of its public URL.
 * sigstore-js requires the name to be a substring of the trusted root's `tlogs[].baseUrl`.
 *
 * @throws SigningError `INVALID_NOTE` when `publicUrl` is not an absolute http(s) URL.
 */
export function rekorKeyName(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch (cause) {
    throw new SigningError(
      'INVALID_NOTE',
      `log URL ${JSON.stringify(publicUrl)} is not an absolute URL`,
      { cause },
    );
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !isValidKeyName(url.host)) {
    throw new SigningError(
      'INVALID_NOTE',
      `log URL ${JSON.stringify(publicUrl)} is not an http(s) URL with a host`,
    );
  }
  return url.host;
}

/**
 * Returns Rekor v1's checkpoint origin `<host[:port]> - <treeID decimal>`
 * (rekor `pkg/util/checkpoint.go`), the host taken from the log's public URL.
 *
 * @throws SigningError `INVALID_CHECKPOINT` unless 0 < treeId < 2^63 (a Trillian tree ID);
 *   otherwise as {@link rekorKeyName}.
 */
export function rekorCheckpointOrigin(publicUrl: string, treeId: bigint): string {
  if (treeId <= 0n || treeId >= 2n ** 63n) throw invalid('tree ID must be between 1 and 2^63-1');
  return `${rekorKeyName(publicUrl)} - ${treeId}`;
}

function invalid(message: string): SigningError {
  return new SigningError('INVALID_CHECKPOINT', message);
}
