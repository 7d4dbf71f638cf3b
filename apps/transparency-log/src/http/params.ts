import { LogError } from '../errors';

const MAX_INDEX = 2n ** 63n - 1n;

/** Parses a non-negative decimal integer (at most 2^63-1, Postgres bigint); `field` names it in errors. */
export function parseIndex(field: string, value: unknown): bigint {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (
    typeof text !== 'string' ||
    !/^(0|[1-9][0-9]{0,18})$/.test(text) ||
    BigInt(text) > MAX_INDEX
  ) {
    throw new LogError(
      'MALFORMED_REQUEST',
      `${field} must be an integer between 0 and ${MAX_INDEX}`,
    );
  }
  return BigInt(text);
}
