/**
 * Base class of every error thrown by libs/merkle: a machine-readable `code` that callers map to
 * HTTP statuses, a message that says precisely which check failed, and the underlying `cause`.
 */
export class BaseError<Code extends string> extends Error {
  /** Machine-readable reason, stable across releases. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * Codes of {@link MerkleError}:
 * - `INDEX_OUT_OF_RANGE`: a leaf index is not below the tree size.
 * - `INVALID_SIZE`: a tree size is negative, at least 2^64, or inconsistent with another size.
 * - `INVALID_HASH`: a hash is not 32 bytes long.
 * - `INVALID_NODE`: a node id is not a complete (perfect) subtree of the tree at hand.
 * - `WRONG_PROOF_SIZE`: a proof has more or fewer hashes than its sizes and index require.
 * - `ROOT_MISMATCH`: a proof does not reproduce the expected root hash.
 * - `INVALID_TILE`: a tile's byte length does not match its width.
 * - `INVALID_TILE_PATH`: a tlog-tiles path is malformed or not canonical.
 * - `INVALID_ENCODING`: an entry bundle is truncated, over-long or empty.
 * - `ENTRY_TOO_LARGE`: an entry does not fit the 16-bit length prefix of an entry bundle.
 */
export type MerkleErrorCode =
  | 'INDEX_OUT_OF_RANGE'
  | 'INVALID_SIZE'
  | 'INVALID_HASH'
  | 'INVALID_NODE'
  | 'WRONG_PROOF_SIZE'
  | 'ROOT_MISMATCH'
  | 'INVALID_TILE'
  | 'INVALID_TILE_PATH'
  | 'INVALID_ENCODING'
  | 'ENTRY_TOO_LARGE';

/** An error from Merkle tree hashing, proof generation or verification, or tile handling. */
export class MerkleError extends BaseError<MerkleErrorCode> {}
