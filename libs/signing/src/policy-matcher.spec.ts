import { compileMatcher, MAX_PATTERN_LENGTH, matcherFor, PatternError } from './policy-matcher';

const matches = (pattern: string, value: string, wildcard: 'any' | 'label' = 'any') =>
  compileMatcher(pattern, wildcard).matches(value);

function patternError(pattern: string): string {
  try {
    compileMatcher(pattern);
  } catch (err) {
    expect(err).toBeInstanceOf(PatternError);
    expect((err as PatternError).code).toBe('INVALID_PATTERN');
    return (err as Error).message;
  }
  throw new Error(`expected ${pattern} to be rejected`);
}

describe(compileMatcher.name, () => {
  describe('exact', () => {
    it('matches only the whole value, case-sensitively', () => {
      expect(compileMatcher('alice@example.com').kind).toBe('exact');
      expect(matches('alice@example.com', 'alice@example.com')).toBe(true);
      expect(matches('alice@example.com', 'xalice@example.com')).toBe(false);
      expect(matches('alice@example.com', 'alice@example.com.evil')).toBe(false);
      expect(matches('alice@example.com', 'Alice@example.com')).toBe(false);
      expect(matches('alice@example.com', '')).toBe(false);
    });

    it('takes regex metacharacters literally', () => {
      expect(matches('a.b+c', 'a.b+c')).toBe(true);
      expect(matches('a.b+c', 'axbbc')).toBe(false);
      expect(matches('/', '/')).toBe(true);
    });
  });

  describe('glob, * = any run of characters', () => {
    const release = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/*';

    it('crosses / and . and matches the empty run', () => {
      expect(compileMatcher(release).kind).toBe('glob');
      const prefix = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/';
      expect(matches(release, `${prefix}v1.2.3`)).toBe(true);
      expect(matches(release, `${prefix}release/v1`)).toBe(true);
      expect(matches(release, prefix)).toBe(true);
    });

    it('is anchored at both ends', () => {
      expect(matches(release, `x${release.replace('*', 'v1')}`)).toBe(false);
      expect(matches('*@example.com', 'alice@example.com')).toBe(true);
      expect(matches('*@example.com', 'alice@example.com.evil')).toBe(false);
      expect(matches('alice@*', 'xalice@example.com')).toBe(false);
      expect(matches(release, release.replace('release.yml', 'deploy.yml'))).toBe(false);
    });

    it('handles several stars and literal text between them', () => {
      expect(matches('a*b*c', 'abc')).toBe(true);
      expect(matches('a*b*c', 'aXXbYYc')).toBe(true);
      expect(matches('a*b*c', 'aXXcYYb')).toBe(false);
      expect(matches('a**c', 'ac')).toBe(true);
      expect(matches('*', '')).toBe(true);
      expect(matches('a*', 'b')).toBe(false);
    });

    it('stays linear on patterns that make backtracking regexes explode', () => {
      const pattern = `${'*a'.repeat(40)}*b`;
      const started = Date.now();
      expect(matches(pattern, 'a'.repeat(5000))).toBe(false);
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });

  describe('glob, * = label (issuers, as Fulcio meta-issuers)', () => {
    const eks = 'https://oidc.eks.*.amazonaws.com/id/*';

    it('matches one non-empty run of [-_a-zA-Z0-9]', () => {
      expect(matches(eks, 'https://oidc.eks.eu-west-1.amazonaws.com/id/B5F1A2C3', 'label')).toBe(
        true,
      );
      expect(matches(eks, 'https://oidc.eks..amazonaws.com/id/B5F1', 'label')).toBe(false);
      expect(matches(eks, 'https://oidc.eks.amazonaws.com/id/B5F1', 'label')).toBe(false);
    });

    it('cannot reach across . or / (no foreign host can satisfy it)', () => {
      expect(matches(eks, 'https://oidc.eks.evil.com/x.amazonaws.com/id/B5F1', 'label')).toBe(
        false,
      );
      expect(matches(eks, 'https://oidc.eks.a.b.amazonaws.com/id/B5F1', 'label')).toBe(false);
      expect(matches(eks, 'https://oidc.eks.x.amazonaws.com/id/B5F1/more', 'label')).toBe(false);
      expect(matches(eks, 'https://oidc.eks.x.amazonaws.com/id/B5F1?x=1', 'label')).toBe(false);
    });
  });

  describe('regex', () => {
    it('is anchored to the whole value', () => {
      expect(compileMatcher('/alice@.*/').kind).toBe('regex');
      expect(matches('/alice@.*/', 'alice@example.com')).toBe(true);
      expect(matches('/alice@.*/', 'xalice@example.com')).toBe(false);
      expect(matches('/alice@example\\.com/', 'alice@example.com.evil')).toBe(false);
      expect(matches('/alice|bob/', 'alice')).toBe(true);
      // Top-level alternation stays inside the anchors: not `^alice|bob$`.
      expect(matches('/alice|bob/', 'alicex')).toBe(false);
      expect(matches('/alice|bob/', 'xbob')).toBe(false);
    });

    it('cannot break out of its anchors with unbalanced parentheses', () => {
      expect(patternError('/a)|(.*/')).toBe(
        'is not a valid regular expression (RE2 syntax): unexpected ): `a)|(.*`',
      );
      expect(patternError('/a)|(?:.*/')).toMatch(/^is not a valid regular expression \(RE2/);
    });

    it('is stateless between calls', () => {
      const m = compileMatcher('/a+/');
      expect([m.matches('aa'), m.matches('aa'), m.matches('aa')]).toEqual([true, true, true]);
    });

    it('rejects invalid and empty expressions, quoting the RE2 parser', () => {
      expect(patternError('/a(/')).toBe(
        'is not a valid regular expression (RE2 syntax): missing closing ): `a(`',
      );
      expect(patternError('/[z-a]/')).toBe(
        'is not a valid regular expression (RE2 syntax): invalid character class range: `z-a`',
      );
      expect(patternError('//')).toBe('is an empty regular expression');
    });

    it('refuses what only a backtracking engine can run: lookaround and backreferences', () => {
      expect(patternError('/(?=a)a/')).toBe(
        'is not a valid regular expression (RE2 syntax): invalid or unsupported Perl syntax: `(?=`',
      );
      expect(patternError('/(a)\\1/')).toBe(
        'is not a valid regular expression (RE2 syntax): invalid escape sequence: `\\1`',
      );
    });

    // Security review M2: on V8's backtracking engine `/.*-.*-.*-.*-.*!/` took 8 s on 200 `-`
    // and 213 s on 400, and the nested-quantifier guard let it (and `(.*)(.*)(.*)`) through.
    it('runs in linear time on the patterns that make backtracking engines explode', () => {
      const budgetMs = 1000;
      for (const [pattern, value] of [
        ['/.*-.*-.*-.*-.*!/', '-'.repeat(150)],
        ['/.*-.*-.*-.*-.*@example\\.com/', `${'-'.repeat(16_000)}@example.co`],
        ['/(.*)(.*)(.*)(.*)x/', 'a'.repeat(16_000)],
        ['/(a+)+b/', 'a'.repeat(16_000)],
        ['/(a|aa)*b/', 'a'.repeat(16_000)],
        ['/(\\w+\\s?)*!/', 'word '.repeat(3_000)],
      ] as const) {
        const started = performance.now();
        expect(matches(pattern, value)).toBe(false);
        expect(performance.now() - started).toBeLessThan(budgetMs);
      }
      expect(matches('/.*-.*-.*-.*-.*!/', '----!')).toBe(true);
      expect(matches('/(a+)+b/', 'aaab')).toBe(true);
    });

    it('keeps the value whole: $ does not match before a final newline', () => {
      expect(matches('/alice/', 'alice\n')).toBe(false);
      expect(matches('/alice$/', 'alice\n')).toBe(false);
      expect(matches('/a.c/', 'a\nc')).toBe(false);
    });
  });

  it('rejects empty and over-long patterns', () => {
    expect(patternError('')).toBe('must not be empty');
    expect(patternError('a'.repeat(MAX_PATTERN_LENGTH + 1))).toBe(
      `must be at most ${MAX_PATTERN_LENGTH} characters`,
    );
    expect(() => compileMatcher('a'.repeat(MAX_PATTERN_LENGTH))).not.toThrow();
  });
});

describe(matcherFor.name, () => {
  it('compiles each pattern once per wildcard meaning', () => {
    expect(matcherFor('/x+/')).toBe(matcherFor('/x+/'));
    expect(matcherFor('a*', 'any')).not.toBe(matcherFor('a*', 'label'));
    expect(matcherFor('a*', 'any').matches('a.b')).toBe(true);
    expect(matcherFor('a*', 'label').matches('a.b')).toBe(false);
  });
});
