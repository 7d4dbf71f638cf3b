import { DomainErrorFilter, type ErrorAnswer } from '@app/platform';
import { CtError, type CtErrorCode } from '../personalities/ct/ct.errors';
import { EntryError, type EntryErrorCode } from '../personalities/rekor-v1/kinds';
import { LogError, type LogErrorCode } from '../errors';

const LOG_STATUS: Record<LogErrorCode, number> = {
  MALFORMED_REQUEST: 400,
  NOT_AUTHORIZED: 403,
  NOT_FOUND: 404,
  FROZEN: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE: 422,
  UNAVAILABLE: 503,
};

const ENTRY_STATUS: Record<EntryErrorCode, number> = {
  MALFORMED_ENTRY: 400,
  UNSUPPORTED_KIND: 400,
  INVALID_SIGNATURE: 400,
  INVALID_VERIFIER: 400,
  HASH_MISMATCH: 400,
};

/** Every refused CT submission is a 400 (see {@link CtErrorCode}). */
const CT_STATUS: Record<CtErrorCode, number> = {
  MALFORMED_CHAIN: 400,
  INVALID_CHAIN: 400,
  UNTRUSTED_CHAIN: 400,
  MISSING_POISON: 400,
  UNEXPECTED_POISON: 400,
};

function answer(err: unknown): ErrorAnswer | undefined {
  if (err instanceof LogError) {
    return {
      status: LOG_STATUS[err.code],
      message: err.message,
      headers: {
        ...(err.location !== undefined && { Location: err.location }),
        ...(err.retryAfterSeconds !== undefined && { 'Retry-After': `${err.retryAfterSeconds}` }),
        // rekor-tiles (grpc-gateway) names a frozen shard in this header; clients read it.
        ...(err.code === 'FROZEN' && { 'X-Http-Error-Message': err.message }),
      },
    };
  }
  if (err instanceof EntryError) return { status: ENTRY_STATUS[err.code], message: err.message };
  if (err instanceof CtError) return { status: CT_STATUS[err.code], message: err.message };
  return undefined;
}

/** Rekor's error shape: `{"code": <HTTP status>, "message": "..."}`. */
export function logErrorFilter(bodyLimitBytes: number): DomainErrorFilter {
  return new DomainErrorFilter({
    answer,
    body: (code, message) => ({ code, message }),
    bodyLimitBytes,
  });
}
