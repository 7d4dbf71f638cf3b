import { BaseError } from '@app/signing';

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
 * Compiles `pattern`: `/body/` is a regular expression (JavaScript syntax, `u` flag), anything
 * containing `*` is a glob (there is no escape for a literal `*`: use a regex), anything else is
 * compared exactly and case-sensitively. Every kind is anchored to the whole value.
 * Throws {@link PatternError} for an empty or over-long pattern, an invalid regex, or a regex with
 * a repeated group that itself repeats or alternates (`(a+)+`, `(a|ab)*`): the shapes behind
 * catastrophic backtracking.
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
  let regex: RegExp;
  try {
    // The body must be valid on its own: wrapping `a)|(.*` in `^(?:…)$` would unanchor it.
    new RegExp(body, 'u');
    regex = new RegExp(`^(?:${body})$`, 'u');
  } catch (err) {
    throw new PatternError(`is not a valid regular expression: ${(err as Error).message}`, {
      cause: err,
    });
  }
  rejectNestedRepetition(body);
  return { kind: 'regex', pattern, matches: (value) => regex.test(value) };
}

/** Requires `body` to be a valid regex. Throws when a repeated group repeats or alternates inside. */
function rejectNestedRepetition(body: string): void {
  // One frame per open group: does it contain a repetition or an alternation?
  const frames: boolean[] = [false];
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === '\\') {
      // `\u{…}`, `\p{…}`, `\k<…>` carry braces that are not quantifiers.
      i += /^\\[upPk][{<][^}>]*[}>]/.exec(body.slice(i))?.[0].length ?? 2;
    } else if (c === '[') {
      i = endOfClass(body, i);
    } else if (c === '(') {
      frames.push(false);
      i++;
    } else if (c === ')') {
      const risky = frames.pop() ?? false;
      i++;
      const repeated = repetitionAt(body, i);
      if (risky && repeated) {
        throw new PatternError(
          'repeats a group that itself repeats or alternates, which can take exponential time; rewrite it without nesting',
        );
      }
      if (risky || repeated) frames[frames.length - 1] = true;
    } else {
      if (c === '|' || repetitionAt(body, i)) frames[frames.length - 1] = true;
      i++;
    }
  }
}

/** Index just past the character class opening at `start`. */
function endOfClass(body: string, start: number): number {
  let i = start + 1;
  while (i < body.length && body[i] !== ']') i += body[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** Whether a quantifier that can repeat (`*`, `+`, `{n,…}`; not `?`) starts at `i`. */
function repetitionAt(body: string, i: number): boolean {
  const c = body[i];
  return c === '*' || c === '+' || (c === '{' && /^\{\d+(,\d*)?\}/.test(body.slice(i)));
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
