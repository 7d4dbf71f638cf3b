import { parse as parseYaml } from 'yaml';
import { ConfigError } from '@app/platform';
import { formatDuration, parseDuration, parseRules } from './rules.config';

const HOUR = 3600;

function problems(raw: unknown, max = HOUR): readonly string[] {
  try {
    parseRules(raw, max);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const rule = (extra: Record<string, unknown> = {}) => ({
  name: 'alice',
  issuer: 'http://127.0.0.1:8089',
  subject: 'alice@example.com',
  ...extra,
});

describe(parseRules.name, () => {
  it('reads the documented example', () => {
    const file = parseYaml(`
rules:
  - name: release-pipeline
    issuer: https://token.actions.githubusercontent.com
    subject: https://github.com/acme/app/.github/workflows/release.yml@refs/tags/*
    claims: { repository_owner: acme, event_name: push, repository_owner_id: '42' }
    certificateLifetime: 10m
    allowedKeyAlgorithms: [ecdsa-p384, ecdsa-p256]
  - name: alice
    issuer: http://127.0.0.1:8089
    subject: alice@example.com
`) as { rules: unknown };
    expect(parseRules(file.rules, HOUR)).toEqual([
      {
        name: 'release-pipeline',
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/*',
        claims: { repository_owner: 'acme', event_name: 'push', repository_owner_id: '42' },
        certificateLifetimeSeconds: 600,
        // Canonical order, so reordering the list in YAML is not a change.
        allowedKeyAlgorithms: ['ecdsa-p256', 'ecdsa-p384'],
      },
      {
        name: 'alice',
        issuer: 'http://127.0.0.1:8089',
        subject: 'alice@example.com',
        claims: {},
        certificateLifetimeSeconds: null,
        allowedKeyAlgorithms: null,
      },
    ]);
  });

  // Security review L9: values were turned into text, so `email_verified: true` also matched the
  // string "true". A boolean or number stays one; only strings are patterns.
  it('keeps the YAML type of claim values: booleans and numbers are values, strings patterns', () => {
    const file = parseYaml(`
- name: typed
  issuer: http://127.0.0.1:8089
  subject: alice@example.com
  claims: { email_verified: true, fork: false, run_attempt: 1, repository_id: '42', ref: refs/* }
`) as unknown;
    expect(parseRules(file, HOUR)[0]?.claims).toEqual({
      email_verified: true,
      fork: false,
      run_attempt: 1,
      repository_id: '42',
      ref: 'refs/*',
    });
  });

  it('refuses a claim number YAML cannot hold exactly, and values that are neither', () => {
    const file = parseYaml(`
- name: ids
  issuer: http://127.0.0.1:8089
  subject: alice@example.com
  claims: { project_id: 9007199254740993, ratio: 0.5, missing: null }
`) as unknown;
    expect(problems(file)).toEqual([
      'SIGNET_CONFIG: rules[0].claims.project_id (rule "ids"): must be an integer between -(2^53 - 1) and 2^53 - 1, got 9007199254740992; write ids as quoted strings',
      'SIGNET_CONFIG: rules[0].claims.ratio (rule "ids"): must be an integer between -(2^53 - 1) and 2^53 - 1, got 0.5; write ids as quoted strings',
      'SIGNET_CONFIG: rules[0].claims.missing (rule "ids"): must be a string pattern, a boolean or an integer',
    ]);
  });

  it('treats an absent section as no rules, and rejects a section that is not a list', () => {
    expect(parseRules(undefined, HOUR)).toEqual([]);
    expect(parseRules(null, HOUR)).toEqual([]);
    expect(problems({ name: 'x' })).toEqual([
      'SIGNET_CONFIG: rules: Invalid input: expected array, received object',
    ]);
  });

  it('names the field when a lifetime exceeds the instance maximum', () => {
    expect(problems([rule({ certificateLifetime: '2h' })])).toEqual([
      'SIGNET_CONFIG: rules[0].certificateLifetime: 2h exceeds the instance maximum of 1h',
    ]);
    expect(problems([rule(), rule({ name: 'b', certificateLifetime: '11m' })], 600)).toEqual([
      'SIGNET_CONFIG: rules[1].certificateLifetime: 11m exceeds the instance maximum of 10m',
    ]);
    expect(parseRules([rule({ certificateLifetime: '1h' })], HOUR)[0]).toMatchObject({
      certificateLifetimeSeconds: HOUR,
    });
  });

  it('rejects lifetimes that are not positive s/m/h durations', () => {
    for (const bad of ['0s', '10', '10d', '1.5h', '', '-5m', '1m1h']) {
      expect(problems([rule({ certificateLifetime: bad })])).toEqual([
        'SIGNET_CONFIG: rules[0].certificateLifetime: must be a duration such as 90s, 10m or 1h',
      ]);
    }
    expect(problems([rule({ certificateLifetime: 600 })])[0]).toMatch(
      /^SIGNET_CONFIG: rules\[0\]\.certificateLifetime: Invalid input: expected string/,
    );
  });

  it('rejects duplicate names, naming both places', () => {
    expect(problems([rule(), rule({ subject: 'bob@example.com' })])).toEqual([
      'SIGNET_CONFIG: rules[1].name: duplicate rule name "alice" (also rules[0])',
    ]);
  });

  it('rejects bad patterns, naming the field and the reason', () => {
    expect(problems([rule({ subject: '/a(/' })])).toEqual([
      'SIGNET_CONFIG: rules[0].subject (rule "alice"): is not a valid regular expression (RE2 syntax): missing closing ): `a(`',
    ]);
    // Lookaround needs a backtracking engine; rules run on RE2 (security review M2).
    expect(problems([rule(), rule({ name: 'ci', claims: { ref: '/(?!main).*/' } })])).toEqual([
      'SIGNET_CONFIG: rules[1].claims.ref (rule "ci"): is not a valid regular expression (RE2 syntax): invalid or unsupported Perl syntax: `(?!`',
    ]);
    expect(problems([rule({ subject: '' })])).toEqual([
      'SIGNET_CONFIG: rules[0].subject (rule "alice"): must not be empty',
    ]);
    expect(problems([rule({ issuer: 'token.actions.githubusercontent.com' })])).toEqual([
      'SIGNET_CONFIG: rules[0].issuer (rule "alice"): must be an http(s) URL, a URL with * wildcards, or a /regex/',
    ]);
    // Nested quantifiers were refused to bound backtracking; RE2 runs them in linear time.
    expect(() => parseRules([rule({ claims: { sub: '/(a+)+/' } })], HOUR)).not.toThrow();
    expect(() => parseRules([rule({ issuer: '/https://issuer\\.example/' })], HOUR)).not.toThrow();
  });

  it('rejects unknown keys, bad names, bad algorithms and unusable claim names', () => {
    expect(problems([rule({ lifetime: '10m' })])).toEqual([
      'SIGNET_CONFIG: rules[0]: Unrecognized key: "lifetime"',
    ]);
    expect(problems([rule({ name: 'has space' })])).toEqual([
      'SIGNET_CONFIG: rules[0].name: must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit',
    ]);
    expect(problems([rule({ allowedKeyAlgorithms: ['ecdsa-p256', 'dsa-1024'] })])[0]).toMatch(
      /^SIGNET_CONFIG: rules\[0\]\.allowedKeyAlgorithms\[1\]: Invalid option: /,
    );
    expect(problems([rule({ allowedKeyAlgorithms: [] })])[0]).toMatch(
      /^SIGNET_CONFIG: rules\[0\]\.allowedKeyAlgorithms: /,
    );
    // YAML keeps `__proto__` as a key; zod would drop it, and with it the condition.
    const claims = parseYaml('{ __proto__: acme }') as unknown;
    expect(problems([rule({ claims })])).toEqual([
      'SIGNET_CONFIG: rules[0].claims (rule "alice"): "__proto__" is not a usable claim name',
    ]);
    expect(problems([rule({ claims: { owner: { nested: 1 } } })])[0]).toMatch(
      /^SIGNET_CONFIG: rules\[0\]\.claims\.owner \(rule "alice"\): /,
    );
  });

  it('reports every problem at once', () => {
    expect(
      problems([rule({ certificateLifetime: '2h' }), rule({ subject: '' })]).map(
        (p) => p.split(':')[1],
      ),
    ).toEqual([' rules[0].certificateLifetime', ' rules[1].subject (rule "alice")']);
  });
});

describe(parseDuration.name, () => {
  it('reads h, m and s, alone or combined in that order', () => {
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('10m')).toBe(600);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('1h0m5s')).toBe(3605);
    expect(parseDuration('')).toBeUndefined();
    expect(parseDuration('5')).toBeUndefined();
    expect(parseDuration('5M')).toBeUndefined();
  });
});

describe(formatDuration.name, () => {
  it('round-trips with parseDuration', () => {
    for (const s of [1, 59, 60, 600, 3599, 3600, 5400, 86_400]) {
      expect(parseDuration(formatDuration(s))).toBe(s);
    }
    expect(formatDuration(3600)).toBe('1h');
    expect(formatDuration(5400)).toBe('1h30m');
  });
});
