import { RE2JS, RE2JSException } from 're2js';
import { BaseError } from './errors';

/** Longest pattern accepted, in characters: a cap on what a regex can cost. */
export const MAX_PATTERN_LENGTH = 512;

/**
 * What `*` in a glob stands for. `any`: any run of characters, empty included, `/` and `.` too
 * (subjects, claims: `refs/tags/*` matches `refs/tags/v1.2.3` and `refs/tags/a/b`). `label`: a
 * non-empty run of `[-_a-zA-Z0-9]`, as in Fulcio's meta-issuers (issuers: the `*` of
 * `https://oidc.eks.*.amazonaws.com/id/*` cannot reach across a `.` or `/`).
 */
export type Wildcard = 'any' | 'label';

/** A compiled pattern; `matches` always tests the whole value, never a substring. */
export interface Matcher {
  readonly kind: 'exact' | 'glob' | 'regex';
  readonly pattern: string;
  matches(value: string): boolean;
}

/** A pattern that cannot be compiled; the message says why and is safe to show an admin. */
export class PatternError extends BaseError<'INVALID_PATTERN'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_PATTERN', message, options);
  }
}

/**
 * Compiles `pattern`: `/body/` is a regular expression in RE2 syntax, run by RE2's linear-time
 * engine (no lookaround, no backreferences), anything containing `*` is a glob (there is no escape
 * for a literal `*`: use a regex), anything else is compared exactly and case-sensitively. Every
 * kind is anchored to the whole value, and matching costs O(pattern × value) whatever the input.
 * Throws {@link PatternError} for an empty or over-long pattern or an invalid regex.
 */
export function compileMatcher(pattern: string, wildcard: Wildcard = 'any'): Matcher {
  if (pattern.length === 0) throw new PatternError('must not be empty');
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new PatternError(`must be at most ${MAX_PATTERN_LENGTH} characters`);
  }
  if (pattern.length >= 2 && pattern.startsWith('/') && pattern.endsWith('/')) {
    return regexMatcher(pattern);
  }
  if (pattern.includes('*')) return globMatcher(pattern, wildcard);
  return { kind: 'exact', pattern, matches: (value) => value === pattern };
}

const cache = new Map<string, Matcher>();
const CACHE_LIMIT = 10_000;

/** {@link compileMatcher}, memoised: rules are read on every request but compiled once. */
export function matcherFor(pattern: string, wildcard: Wildcard = 'any'): Matcher {
  const key = `${wildcard}\u0000${pattern}`;
  let m = cache.get(key);
  if (m === undefined) {
    m = compileMatcher(pattern, wildcard);
    // Patterns come from admin configuration, so the cache only overflows if rules churn a lot.
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, m);
  }
  return m;
}

function regexMatcher(pattern: string): Matcher {
  const body = pattern.slice(1, -1);
  if (body.length === 0) throw new PatternError('is an empty regular expression');
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(body);
  } catch (err) {
    const reason = err instanceof RE2JSException ? err.message : 'unknown error';
    throw new PatternError(
      `is not a valid regular expression (RE2 syntax): ${reason.replace(/^error parsing regexp: /, '')}`,
      { cause: err },
    );
  }
  // RE2's whole-input match anchors the compiled body itself: no `^(?:…)$` text to break out of.
  return { kind: 'regex', pattern, matches: (value) => regex.matches(value) };
}

interface GlobStep {
  accepts: (ch: string) => boolean;
  /** Zero or more of `accepts`, rather than exactly one. */
  repeat: boolean;
}

const anyChar = (): boolean => true;
const labelChar = (ch: string): boolean => /^[-_a-zA-Z0-9]$/.test(ch);

function globMatcher(pattern: string, wildcard: Wildcard): Matcher {
  const steps: GlobStep[] = [];
  for (const ch of pattern) {
    if (ch !== '*') {
      steps.push({ accepts: (c) => c === ch, repeat: false });
    } else if (wildcard === 'label') {
      // `[-_a-zA-Z0-9]+`: one, then any number more.
      steps.push({ accepts: labelChar, repeat: false }, { accepts: labelChar, repeat: true });
    } else if (steps.at(-1)?.repeat !== true) {
      steps.push({ accepts: anyChar, repeat: true });
    }
  }
  return { kind: 'glob', pattern, matches: (value) => globMatches(steps, value) };
}

/**
 * Simulates the glob as an NFA over code points: O(pattern × value) whatever the pattern, where a
 * backtracking regex of `*a*a*a…` can take exponential time.
 */
function globMatches(steps: readonly GlobStep[], value: string): boolean {
  const n = steps.length;
  // Positions reachable without consuming input: a repeat step may match nothing.
  const close = (states: Uint8Array): void => {
    for (let i = 0; i < n; i++) if (states[i] === 1 && steps[i]!.repeat) states[i + 1] = 1;
  };
  let states = new Uint8Array(n + 1);
  states[0] = 1;
  close(states);
  for (const ch of value) {
    const next = new Uint8Array(n + 1);
    let alive = false;
    for (let i = 0; i < n; i++) {
      const step = steps[i]!;
      if (states[i] !== 1 || !step.accepts(ch)) continue;
      next[step.repeat ? i : i + 1] = 1;
      alive = true;
    }
    if (!alive) return false;
    close(next);
    states = next;
  }
  return states[n] === 1;
}
