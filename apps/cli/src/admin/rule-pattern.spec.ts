import { patternMatches } from './rule-pattern';

// Cases taken from the CA's own matcher tests (apps/ca/src/policy/matcher.spec.ts), so that the
// audit reads patterns as the CA that issued under them did.
describe(patternMatches.name, () => {
  it('compares a pattern without * or slashes exactly, case-sensitively, metacharacters literal', () => {
    expect(patternMatches('alice@example.com', 'alice@example.com', 'any')).toBe(true);
    expect(patternMatches('alice@example.com', 'xalice@example.com', 'any')).toBe(false);
    expect(patternMatches('alice@example.com', 'Alice@example.com', 'any')).toBe(false);
    expect(patternMatches('a.b+c', 'axbbc', 'any')).toBe(false);
    expect(patternMatches('a.b+c', 'a.b+c', 'any')).toBe(true);
  });

  it('reads * as any run (subjects), anchored at both ends, crossing / . and newlines', () => {
    const release = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/*';
    expect(patternMatches(release, release.replace('*', 'release/v1'), 'any')).toBe(true);
    expect(patternMatches(release, release.replace('*', ''), 'any')).toBe(true);
    expect(patternMatches(release, `x${release.replace('*', 'v1')}`, 'any')).toBe(false);
    expect(patternMatches('*@example.com', 'alice@example.com.evil', 'any')).toBe(false);
    expect(patternMatches('a*b*c', 'aXXcYYb', 'any')).toBe(false);
    expect(patternMatches('a**c', 'ac', 'any')).toBe(true);
    expect(patternMatches('*', 'a\nb', 'any')).toBe(true);
  });

  it('reads * as one non-empty DNS-label-like run for issuers', () => {
    const eks = 'https://oidc.eks.*.amazonaws.com/id/*';
    expect(patternMatches(eks, 'https://oidc.eks.eu-west-1.amazonaws.com/id/B5F1', 'label')).toBe(
      true,
    );
    expect(patternMatches(eks, 'https://oidc.eks..amazonaws.com/id/B5F1', 'label')).toBe(false);
    expect(patternMatches(eks, 'https://oidc.eks.a.b.amazonaws.com/id/B5F1', 'label')).toBe(false);
  });

  it('runs /regex/ as an anchored RE2 expression, and answers undefined for one RE2 refuses', () => {
    expect(patternMatches('/[a-z]+@example\\.com/', 'alice@example.com', 'any')).toBe(true);
    expect(patternMatches('/[a-z]+@example\\.com/', 'alice@example.com.evil', 'any')).toBe(false);
    expect(patternMatches('/(a)\\1/', 'aa', 'any')).toBeUndefined();
    expect(patternMatches('//', '', 'any')).toBeUndefined();
  });
});
