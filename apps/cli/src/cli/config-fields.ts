/* Fields of the YAML files commands read (image policy, monitor config), checked with issues
   that name the field. */

/** One field of a certificate and what it must be: exact text, or an anchored regexp. */
export interface FieldMatcher {
  /** For messages: `"text"` or `/^(?:re)$/`. */
  expected: string;
  matches(value: string): boolean;
}

/** `name` (exact) or `nameRegExp` (anchored), exactly one of them. */
export function fieldMatcher(
  o: Record<string, unknown>,
  name: string,
  at: string,
  issues: string[],
): FieldMatcher | undefined {
  const exact = o[name];
  const pattern = o[`${name}RegExp`];
  if ((exact === undefined) === (pattern === undefined)) {
    issues.push(`${at}: give exactly one of ${name} and ${name}RegExp`);
    return undefined;
  }
  if (exact !== undefined) {
    if (typeof exact !== 'string' || exact === '') {
      issues.push(`${at}.${name}: must be a non-empty string`);
      return undefined;
    }
    return { expected: JSON.stringify(exact), matches: (v) => v === exact };
  }
  if (typeof pattern !== 'string' || pattern === '') {
    issues.push(`${at}.${name}RegExp: must be a non-empty string`);
    return undefined;
  }
  try {
    // Anchored as `signet verify --certificate-*-regexp`: the whole value must match.
    const re = new RegExp(`^(?:${pattern})$`);
    return { expected: `/^(?:${pattern})$/`, matches: (v) => re.test(v) };
  } catch (err) {
    issues.push(`${at}.${name}RegExp: invalid regular expression: ${(err as Error).message}`);
    return undefined;
  }
}

/** `value` as a mapping whose keys are all in `keys`; else undefined or issues naming the field. */
export function mapping(
  value: unknown,
  at: string,
  issues: string[],
  keys: string[],
): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push(`${at}: must be a mapping`);
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key))
      issues.push(
        `${at === '(top level)' ? '' : `${at}.`}${key}: unknown field (known: ${keys.join(', ')})`,
      );
  }
  return value as Record<string, unknown>;
}
