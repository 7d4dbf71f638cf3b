/* A rule's issuer and subject patterns, re-evaluated against a certificate by `signet admin audit`.
   The CLI cannot import the CA (apps never import each other), so this is the pattern language of
   the CA's rules (README: IAM rules) said once more, in the smallest form: every kind becomes one
   RE2 expression, run by the same linear-time engine the CA uses for `/regex/` patterns. */
import { RE2JS } from 're2js';

/**
 * What `*` in a glob stands for: `any` run of characters (subjects), or a non-empty `label` of
 * `[-_a-zA-Z0-9]` (issuers, as in Fulcio's meta-issuers).
 */
export type Wildcard = 'any' | 'label';

/**
 * Whether `value` matches `pattern` as the CA's rules read it: `/body/` is an RE2 regular
 * expression, a pattern with `*` a glob, anything else an exact, case-sensitive string; all are
 * anchored to the whole value. Returns undefined for a pattern RE2 cannot compile (the CA would
 * have refused the rule, so a snapshot holding one is itself suspect).
 */
export function patternMatches(
  pattern: string,
  value: string,
  wildcard: Wildcard,
): boolean | undefined {
  if (pattern.length >= 2 && pattern.startsWith('/') && pattern.endsWith('/')) {
    return compiled(pattern.slice(1, -1), 0)?.matches(value);
  }
  if (!pattern.includes('*')) return pattern === value;
  const star = wildcard === 'label' ? '[-_a-zA-Z0-9]+' : '.*';
  const body = pattern
    .split('*')
    .map((literal) => (literal === '' ? '' : RE2JS.quote(literal)))
    .join(star);
  // DOTALL: a glob's `*` also crosses line breaks, as the CA's glob automaton does.
  return compiled(body, RE2JS.DOTALL)?.matches(value);
}

function compiled(body: string, flags: number): RE2JS | undefined {
  if (body === '') return undefined;
  try {
    return RE2JS.compile(body, flags);
  } catch {
    return undefined;
  }
}
