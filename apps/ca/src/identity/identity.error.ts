import { BaseError } from '@app/signing';

/**
 * Codes of {@link IdentityError}. Each names the one check that failed, so the CA's error filter
 * can map it to an HTTP status (`Record<IdentityErrorCode, HttpStatus>`) and the client learns
 * what to fix.
 */
export type IdentityErrorCode =
  | 'MALFORMED_TOKEN'
  | 'TOKEN_TOO_LARGE'
  | 'UNKNOWN_ISSUER'
  | 'UNSUPPORTED_ALGORITHM'
  | 'INVALID_SIGNATURE'
  | 'WRONG_AUDIENCE'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'MISSING_CLAIM'
  | 'INVALID_CLAIM'
  | 'EMAIL_NOT_VERIFIED'
  | 'ISSUER_UNAVAILABLE';

/**
 * A rejected OIDC identity token. The message says which check failed and what was seen (issuer
 * URL, expected and actual audience, expiry time); it never contains the token itself, so it is
 * safe to return to the client. `cause` keeps the underlying jose or network error for logs.
 */
export class IdentityError extends BaseError<IdentityErrorCode> {}

/** Longest client-supplied value quoted in an error message, in characters. */
const MAX_QUOTED = 200;

/**
 * Renders a value taken from an untrusted token for an error message, cut to
 * {@link MAX_QUOTED} characters: strings JSON-quoted (so control characters are escaped), other
 * values as JSON (`["a","b"]`, `false`).
 */
export function quote(value: unknown): string {
  const cut = (text: string): string =>
    text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
  if (typeof value === 'string') return JSON.stringify(cut(value));
  return cut(JSON.stringify(value) ?? String(value));
}
