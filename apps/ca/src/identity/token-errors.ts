import { IdentityError, quote } from './identity.error';

/** What {@link verificationError} may say about the token being checked. */
export interface TokenContext {
  issuer: string;
  audience: string;
  /** The unverified payload, for the `exp`, `nbf` and `aud` values seen. */
  payload: Readonly<Record<string, unknown>>;
  clockToleranceSeconds: number;
  /** The issuer's `maxTokenAge`, as configured (`1h`). */
  maxTokenAge: string;
  kid: string | undefined;
}

/** `1712345678` → `2024-04-05T19:34:38.000Z (exp=1712345678)`. */
function time(claim: string, seconds: unknown): string {
  return typeof seconds === 'number' && Number.isFinite(seconds)
    ? `${new Date(seconds * 1000).toISOString()} (${claim}=${seconds})`
    : `${claim}=${quote(seconds)}`;
}

/**
 * Maps an error from jose's `jwtVerify` to an {@link IdentityError} naming the failed check and
 * the values seen. IdentityErrors (thrown by the key resolver) pass through unchanged. jose errors
 * are told apart by `code`, which also works across realms.
 */
export function verificationError(error: unknown, context: TokenContext): IdentityError {
  if (error instanceof IdentityError) return error;
  const { code, claim, reason, message } = (error ?? {}) as {
    code?: string;
    claim?: string;
    reason?: string;
    message?: string;
  };
  const { payload } = context;
  const now = `now is ${new Date().toISOString()}, clock tolerance ${context.clockToleranceSeconds} s`;
  const fail = (kind: IdentityError['code'], text: string): IdentityError =>
    new IdentityError(kind, text, { cause: error });
  switch (code ?? '') {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return fail(
        'INVALID_SIGNATURE',
        `token signature does not verify with the key ${context.kid === undefined ? 'without kid' : `kid ${quote(context.kid)}`} of issuer ${context.issuer}`,
      );
    case 'ERR_JWT_EXPIRED':
      // jose raises the same error for `exp` and for `iat` beyond maxTokenAge.
      if (claim === 'iat') {
        return fail(
          'TOKEN_EXPIRED',
          `token was issued at ${time('iat', payload['iat'])}, more than ${context.maxTokenAge} ago, the most issuer ${context.issuer} accepts; ${now}`,
        );
      }
      return fail('TOKEN_EXPIRED', `token expired at ${time('exp', payload['exp'])}; ${now}`);
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return claimError(claim ?? '', reason, context, now, fail);
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return fail('UNSUPPORTED_ALGORITHM', `token cannot be verified: ${message ?? code}`);
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return fail('MALFORMED_TOKEN', `token is not a valid JWT: ${message ?? code}`);
    case 'ERR_JWK_INVALID':
      return fail('ISSUER_UNAVAILABLE', `issuer ${context.issuer} published an unusable key`);
    default:
      return fail('INVALID_SIGNATURE', `token verification failed: ${message ?? String(error)}`);
  }
}

function claimError(
  claim: string,
  reason: string | undefined,
  context: TokenContext,
  now: string,
  fail: (kind: IdentityError['code'], text: string) => IdentityError,
): IdentityError {
  const { payload } = context;
  if (reason === 'missing') return fail('MISSING_CLAIM', `token has no ${claim} claim`);
  if (reason === 'invalid') {
    return fail(
      'INVALID_CLAIM',
      `token ${claim} must be a number of seconds, got ${quote(payload[claim])}`,
    );
  }
  switch (claim) {
    case 'aud':
      return fail(
        'WRONG_AUDIENCE',
        `token audience is ${quote(payload['aud'])}; issuer ${context.issuer} is configured for audience ${quote(context.audience)}`,
      );
    case 'nbf':
      return fail(
        'TOKEN_NOT_YET_VALID',
        `token is not valid before ${time('nbf', payload['nbf'])}; ${now}`,
      );
    case 'iat': {
      // With maxTokenAge set, jose refuses a future iat itself (beyond the clock tolerance).
      const iat = payload['iat'];
      const when = typeof iat === 'number' ? new Date(iat * 1000).toISOString() : quote(iat);
      return fail('TOKEN_NOT_YET_VALID', `token iat ${when} is in the future; ${now}`);
    }
    case 'iss':
      return fail(
        'INVALID_CLAIM',
        `token iss ${quote(payload['iss'])} is not ${quote(context.issuer)}`,
      );
    default:
      return fail('INVALID_CLAIM', `token ${claim} claim check failed`);
  }
}
