import { IdentityError, quote } from './identity.error';

/** The verified claims of a token. */
export type Claims = Readonly<Record<string, unknown>>;

/**
 * A claim as text, the way Fulcio renders claims into templates: strings as they are, numbers in
 * shortest decimal form (`42`, not `42.0`), booleans as `true`/`false`.
 * Returns undefined when the claim is absent, null or the empty string.
 *
 * @throws IdentityError `INVALID_CLAIM` when it is an object, an array or a non-finite number.
 */
export function optionalClaimText(claims: Claims, name: string): string | undefined {
  const value = claims[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  throw new IdentityError(
    'INVALID_CLAIM',
    `claim ${name} must be a string or a number, got ${quote(value)}`,
  );
}

/**
 * {@link optionalClaimText} for a claim the issuer type requires.
 *
 * @throws IdentityError `MISSING_CLAIM` naming the claim and the issuer type when it is absent
 *   or empty; `INVALID_CLAIM` as {@link optionalClaimText}.
 */
export function claimText(claims: Claims, name: string, issuerType: string): string {
  const value = optionalClaimText(claims, name);
  if (value === undefined) {
    throw new IdentityError('MISSING_CLAIM', `${issuerType} token has no ${name} claim`);
  }
  return value;
}

/** Drops entries whose value is undefined: Fulcio omits extensions that render empty. */
export function definedEntries(
  entries: ReadonlyArray<readonly [string, string | undefined]>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (value !== undefined && value !== '') result[key] = value;
  }
  return result;
}
