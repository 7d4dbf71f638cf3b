import { IdentityError, type IdentityErrorCode } from '../identity.error';

/** Test helper: the IdentityError `fn` throws; fails when it returns or throws anything else. */
export function thrown(fn: () => unknown): IdentityError {
  try {
    fn();
  } catch (error) {
    if (error instanceof IdentityError) return error;
    throw new Error(`expected an IdentityError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected an IdentityError, but nothing was thrown');
}

/** Test helper: the IdentityError `promise` rejects with; fails otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<IdentityError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IdentityError) return error;
    throw new Error(`expected an IdentityError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected an IdentityError, but the promise resolved');
}

/** Test helper: `code` and `message` of an IdentityError, for `toEqual`. */
export function codeAndMessage(error: IdentityError): { code: IdentityErrorCode; message: string } {
  return { code: error.code, message: error.message };
}
