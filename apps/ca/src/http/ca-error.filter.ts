import { DomainErrorFilter, type ErrorAnswer } from '@app/platform';
import { TimestampRequestError } from '@app/signing';
import { ADMIN_ERROR_STATUS, AdminError } from '../admin/auth/admin.error';
import { CaError, type CaErrorCode } from '../errors';
import { IdentityError, type IdentityErrorCode } from '../identity';
import { PolicyError, type PolicyErrorCode } from '../policy';

/** HTTP status of each domain error; the body's gRPC code follows from it (GRPC_OF_HTTP). */
const INVALID = 400;
const UNAUTHENTICATED = 401;
const DENIED = 403;

const CA: Record<CaErrorCode, number> = {
  INVALID_REQUEST: INVALID,
  INVALID_KEY: INVALID,
  INVALID_PROOF_OF_POSSESSION: INVALID,
  INVALID_CSR: INVALID,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

const IDENTITY: Record<IdentityErrorCode, number> = {
  MALFORMED_TOKEN: UNAUTHENTICATED,
  TOKEN_TOO_LARGE: INVALID,
  UNKNOWN_ISSUER: UNAUTHENTICATED,
  UNSUPPORTED_ALGORITHM: UNAUTHENTICATED,
  INVALID_SIGNATURE: UNAUTHENTICATED,
  WRONG_AUDIENCE: UNAUTHENTICATED,
  TOKEN_EXPIRED: UNAUTHENTICATED,
  TOKEN_NOT_YET_VALID: UNAUTHENTICATED,
  MISSING_CLAIM: UNAUTHENTICATED,
  INVALID_CLAIM: UNAUTHENTICATED,
  EMAIL_NOT_VERIFIED: UNAUTHENTICATED,
  ISSUER_UNAVAILABLE: 503,
};

const POLICY: Record<PolicyErrorCode, number> = {
  DENIED,
  KEY_ALGORITHM_NOT_ALLOWED: DENIED,
  INVALID_POLICY: INVALID,
  NOT_FOUND: 404,
  PRECONDITION_REQUIRED: 428,
  VERSION_MISMATCH: 412,
  READ_ONLY: 409,
  CONFLICT: 409,
  LOG_UNAVAILABLE: 503,
};

const GRPC_OF_HTTP: Record<number, number> = {
  400: 3,
  401: 16,
  403: 7,
  404: 5,
  409: 6,
  412: 9,
  413: 3,
  415: 3,
  428: 9,
  429: 8,
  503: 14,
};

function answer(err: unknown): ErrorAnswer | undefined {
  const of = (status: number, message: string, headers?: Record<string, string>): ErrorAnswer => ({
    status,
    message,
    headers,
  });
  if (err instanceof CaError) {
    const retry =
      err.retryAfterSeconds === undefined
        ? undefined
        : { 'Retry-After': String(err.retryAfterSeconds) };
    return of(CA[err.code], err.message, retry);
  }
  if (err instanceof IdentityError)
    return of(IDENTITY[err.code], `identity token rejected: ${err.message}`);
  if (err instanceof PolicyError) return of(POLICY[err.code], err.message);
  if (err instanceof AdminError) return of(ADMIN_ERROR_STATUS[err.code], err.message, err.headers);
  if (err instanceof TimestampRequestError)
    return of(INVALID, `timestamp request rejected: ${err.message}`);
  return undefined;
}

/** The HTTP status the CA answers `err` with (undefined: not a domain error, so a 500). */
export function caErrorStatus(err: unknown): number | undefined {
  return answer(err)?.status;
}

/** Fulcio's error shape: `{"code": <gRPC code>, "message": "..."}` with the HTTP status. */
export function caErrorFilter(bodyLimitBytes: number): DomainErrorFilter {
  return new DomainErrorFilter({
    answer,
    body: (status, message) => ({
      code: GRPC_OF_HTTP[status] ?? (status >= 500 ? 13 : 2),
      message,
    }),
    bodyLimitBytes,
  });
}
