import { BaseError } from '@app/signing';

/** Codes of {@link AdminError}; each maps to one HTTP status in the CA's error filter. */
export type AdminErrorCode =
  | 'INVALID_REQUEST'
  | 'UNAUTHENTICATED'
  | 'LOGIN_REQUIRED'
  | 'SIGN_IN_FAILED'
  | 'SIGN_IN_STATE'
  | 'NO_ROLE'
  | 'FORBIDDEN'
  | 'CSRF'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'SIGN_IN_DISABLED'
  | 'RATE_LIMITED'
  | 'IDP_UNAVAILABLE';

/** HTTP status of each {@link AdminErrorCode}. */
export const ADMIN_ERROR_STATUS: Record<AdminErrorCode, number> = {
  INVALID_REQUEST: 400,
  UNAUTHENTICATED: 401,
  // A console page asked for without a session: to the sign-in.
  LOGIN_REQUIRED: 302,
  SIGN_IN_FAILED: 401,
  SIGN_IN_STATE: 403,
  NO_ROLE: 403,
  FORBIDDEN: 403,
  CSRF: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  SIGN_IN_DISABLED: 404,
  RATE_LIMITED: 429,
  IDP_UNAVAILABLE: 503,
};

/** A refused admin request, with a message that names the check and is safe to show. */
export class AdminError extends BaseError<AdminErrorCode> {
  constructor(
    code: AdminErrorCode,
    message: string,
    /** Extra response headers: `Retry-After`, or `Location` for LOGIN_REQUIRED. */
    readonly headers?: Record<string, string>,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
