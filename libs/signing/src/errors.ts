/**
 * Base class of every error thrown by libs/signing: a machine-readable `code` that
 * callers map to HTTP statuses, a message safe to show a client, and the underlying `cause`.
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

/** Codes of {@link SigningError}. */
export type SigningErrorCode =
  | 'UNSUPPORTED_KEY'
  | 'INVALID_KEY'
  | 'INVALID_SIGNATURE'
  | 'SIGNER_FAILURE'
  | 'INVALID_NOTE'
  | 'INVALID_CHECKPOINT'
  | 'UNKNOWN_KEY'
  | 'INVALID_CERTIFICATE'
  | 'INVALID_CERTIFICATE_TEMPLATE'
  | 'INVALID_CHAIN'
  | 'INVALID_ENVELOPE'
  | 'INVALID_ENCODING'
  | 'INVALID_PASSPHRASE'
  | 'INVALID_PIN'
  | 'KEY_NOT_FOUND'
  | 'INVALID_TUF_METADATA';

/** An error from key handling, signing, notes, checkpoints, DSSE or X.509. */
export class SigningError extends BaseError<SigningErrorCode> {}
