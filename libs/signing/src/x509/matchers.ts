import type { SigningErrorCode } from '../errors';

/**
 * Jest matcher for a {@link SigningError} with exactly this code and message (`toThrow(new
 * SigningError(...))` alone compares only the message).
 */
export function signingError(code: SigningErrorCode, message: string): Error {
  // An asymmetric matcher; typed as Error because that is what `toThrow` declares it accepts.
  return expect.objectContaining({ name: 'SigningError', code, message }) as Error;
}
