import { BaseError } from '@app/signing';

/** Codes of {@link LogError}; each maps to one HTTP status in the app's error filter. */
export type LogErrorCode =
  | 'MALFORMED_REQUEST'
  | 'NOT_AUTHORIZED'
  | 'NOT_FOUND'
  | 'FROZEN'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNPROCESSABLE'
  | 'UNAVAILABLE';

/** A failure of a log operation, with a message safe to show the client. */
export class LogError extends BaseError<LogErrorCode> {
  constructor(
    code: LogErrorCode,
    message: string,
    /** For CONFLICT: the path of the existing entry, sent as `Location`. */
    readonly location?: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(code, message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  /** For UNAVAILABLE: when to try again, sent as `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;
}
