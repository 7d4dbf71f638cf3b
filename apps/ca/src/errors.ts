import { BaseError } from '@app/signing';

/** Codes of {@link CaError}; each maps to one HTTP status and gRPC code in the app's filter. */
export type CaErrorCode =
  | 'INVALID_REQUEST'
  | 'INVALID_KEY'
  | 'INVALID_PROOF_OF_POSSESSION'
  | 'INVALID_CSR'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE';

/** A failure of a CA operation, with a message safe to show the client. */
export class CaError extends BaseError<CaErrorCode> {
  constructor(
    code: CaErrorCode,
    message: string,
    /** For RATE_LIMITED: seconds until a retry may succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message);
  }
}
