import { parse as parseYaml } from 'yaml';
import {
  evaluate,
  explain,
  type PolicyLimits,
  type PolicyRequest,
  type StoredRule,
} from './evaluate';
import { parseRules } from './rules.config';

const LIMITS: PolicyLimits = { defaultLifetimeSeconds: 600, maxLifetimeSeconds: 3600 };
const GITHUB = 'https://token.actions.githubusercontent.com';
const WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml';
const LOCAL = 'http://127.0.0.1:8089';

let nextPosition = 0;
function rule(r: Partial<StoredRule> & Pick<StoredRule, 'name'>): StoredRule {
  return {
    id: `id-${r.name}`,
    position: nextPosition++,
    issuer: LOCAL,
    subject: 'alice@example.com',
    claims: {},
    certificateLifetimeSeconds: null,
    allowedKeyAlgorithms: null,
    ...r,
  };
}

function request(r: Partial<PolicyRequest> = {}): PolicyRequest {
  return {
    issuer: LOCAL,
    subject: 'alice@example.com',
    claims: {},
    keyAlgorithm: 'ecdsa-p256',
    ...r,
  };
}

const alice = rule({ name: 'alice' });
const release = rule({
  name: 'release-pipeline',
  issuer: GITHUB,
  subject: `${WORKFLOW}@refs/tags/*`,
  claims: { repository_owner: 'acme', event_name: 'push' },
  certificateLifetimeSeconds: 300,
  allowedKeyAlgorithms: ['ecdsa-p256', 'ecdsa-p384'],
});
const releaseRequest = (r: Partial<PolicyRequest> = {}) =>
  request({
    issuer: GITHUB,
    subject: `${WORKFLOW}@refs/tags/v1.2.3`,
    claims: { repository_owner: 'acme', event_name: 'push', run_id: 1 },
    ...r,
  });

/** The rule name that allowed the request, or the denial reason. */
function outcome(rules: StoredRule[], req: PolicyRequest, limits = LIMITS): string {
  const d = evaluate(rules, req, limits);
  return d.allowed ? d.rule.name : d.reason;
}

describe(evaluate.name, () => {
  it('denies by default, with the exact message and without listing any rule', () => {
    expect(evaluate([], request(), LIMITS)).toEqual({
      allowed: false,
      reason: 'NO_RULE',
      message: 'no rule allows identity "alice@example.com" from issuer "http://127.0.0.1:8089"',
    });
    const d = evaluate([alice, release], request({ subject: 'bob@example.com' }), LIMITS);
    expect(d).toEqual({
      allowed: false,
      reason: 'NO_RULE',
      message: 'no rule allows identity "bob@example.com" from issuer "http://127.0.0.1:8089"',
    });
  });

  it('escapes quotes and control characters of the identity in the message', () => {
    const d = evaluate([], request({ subject: 'a"b\nc' }), LIMITS);
    expect(!d.allowed && d.message).toBe(
      'no rule allows identity "a\\"b\\nc" from issuer "http://127.0.0.1:8089"',
    );
  });

  it('matches the exact subject anchored at both ends', () => {
    expect(outcome([alice], request())).toBe('alice');
    expect(outcome([alice], request({ subject: 'xalice@example.com' }))).toBe('NO_RULE');
    expect(outcome([alice], request({ subject: 'alice@example.com.evil' }))).toBe('NO_RULE');
  });

  it('requires the issuer to match, with * confined to one label', () => {
    expect(outcome([alice], request({ issuer: 'http://127.0.0.1:8090' }))).toBe('NO_RULE');
    const eks = rule({
      name: 'eks',
      issuer: 'https://oidc.eks.*.amazonaws.com/id/*',
      subject: 'system:serviceaccount:*',
    });
    const sa = { subject: 'system:serviceaccount:ci:builder' };
    expect(
      outcome([eks], request({ ...sa, issuer: 'https://oidc.eks.us-east-1.amazonaws.com/id/AB' })),
    ).toBe('eks');
    expect(
      outcome([eks], request({ ...sa, issuer: 'https://oidc.eks.evil.io/.amazonaws.com/id/AB' })),
    ).toBe('NO_RULE');
  });

  it('matches a regex subject against the whole value', () => {
    const re = rule({ name: 're', subject: '/alice@.*/' });
    expect(outcome([re], request({ subject: 'alice@corp.example' }))).toBe('re');
    expect(outcome([re], request({ subject: 'malice@corp.example' }))).toBe('NO_RULE');
  });

  it('requires every claim to match', () => {
    expect(outcome([release], releaseRequest())).toBe('release-pipeline');
    expect(
      outcome(
        [release],
        releaseRequest({ claims: { repository_owner: 'acme', event_name: 'pull_request' } }),
      ),
    ).toBe('NO_RULE');
    expect(outcome([release], releaseRequest({ claims: { repository_owner: 'acme' } }))).toBe(
      'NO_RULE',
    );
    expect(
      outcome(
        [release],
        releaseRequest({ subject: `${WORKFLOW}@refs/heads/main`, claims: release.claims }),
      ),
    ).toBe('NO_RULE');
  });

  // Security review L9: claims were compared as text, so `email_verified: true` in a rule also
  // matched the string "true", which any issuer that lets users set claims could send.
  it.each<[unknown, string]>([
    [true, 'typed'],
    ['true', 'NO_RULE'],
    [1, 'NO_RULE'],
    [false, 'NO_RULE'],
    [undefined, 'NO_RULE'],
  ])(
    'matches a boolean rule value to a claim of the same type and value: %j → %s',
    (value, expected) => {
      const r = rule({ name: 'typed', claims: { email_verified: true } });
      expect(outcome([r], request({ claims: { email_verified: value } }))).toBe(expected);
    },
  );

  it.each<[unknown, string]>([
    [1, 'typed'],
    ['1', 'NO_RULE'],
    [true, 'NO_RULE'],
    [2, 'NO_RULE'],
  ])(
    'matches a number rule value to a claim of the same type and value: %j → %s',
    (value, expected) => {
      const r = rule({ name: 'typed', claims: { run_attempt: 1 } });
      expect(outcome([r], request({ claims: { run_attempt: value } }))).toBe(expected);
    },
  );

  it('keeps the type a rule has in YAML: email_verified: true does not match "true"', () => {
    const [spec] = parseRules(
      parseYaml(`
- name: verified
  issuer: ${LOCAL}
  subject: alice@example.com
  claims: { email_verified: true }
`),
      3600,
    );
    const verified = rule({ ...spec!, name: 'verified' });
    expect(outcome([verified], request({ claims: { email_verified: true } }))).toBe('verified');
    expect(outcome([verified], request({ claims: { email_verified: 'true' } }))).toBe('NO_RULE');
  });

  it('matches a pattern (exact, glob, regex) to string claims only', () => {
    const exact = rule({ name: 'exact', claims: { repository_id: '42' } });
    expect(outcome([exact], request({ claims: { repository_id: '42' } }))).toBe('exact');
    expect(outcome([exact], request({ claims: { repository_id: 42 } }))).toBe('NO_RULE');
    const negated = rule({ name: 'negated', claims: { fork: 'false' } });
    expect(outcome([negated], request({ claims: { fork: false } }))).toBe('NO_RULE');
    const regex = rule({ name: 'regex', claims: { run_id: '/[0-9]+/' } });
    expect(outcome([regex], request({ claims: { run_id: '777' } }))).toBe('regex');
    expect(outcome([regex], request({ claims: { run_id: 777 } }))).toBe('NO_RULE');
    // `*` matches any text, but a number, boolean, object, array, null or missing claim has none.
    const any = rule({ name: 'any', claims: { any: '*' } });
    expect(outcome([any], request({ claims: { any: '' } }))).toBe('any');
    for (const value of [7, true, { a: 1 }, ['x'], null, undefined]) {
      expect(outcome([any], request({ claims: { any: value } }))).toBe('NO_RULE');
    }
    // Inherited properties are not claims.
    const ctor = rule({ name: 'ctor', claims: { constructor: '*' } });
    expect(outcome([ctor], request({ claims: {} }))).toBe('NO_RULE');
    const proto = rule({ name: 'proto', claims: { toString: false } });
    expect(outcome([proto], request({ claims: {} }))).toBe('NO_RULE');
  });

  it('uses the default lifetime, a rule override, and never more than the maximum', () => {
    const allowed = (rules: StoredRule[], req: PolicyRequest, limits = LIMITS) => {
      const d = evaluate(rules, req, limits);
      if (!d.allowed) throw new Error(d.message);
      return d;
    };
    expect(allowed([alice], request())).toMatchObject({ rule: alice, lifetimeSeconds: 600 });
    expect(allowed([release], releaseRequest()).lifetimeSeconds).toBe(300);
    const long = rule({ name: 'long', certificateLifetimeSeconds: 3600 });
    expect(
      allowed([long], request(), { defaultLifetimeSeconds: 600, maxLifetimeSeconds: 1800 })
        .lifetimeSeconds,
    ).toBe(1800);
    expect(
      allowed([alice], request(), { defaultLifetimeSeconds: 600, maxLifetimeSeconds: 120 })
        .lifetimeSeconds,
    ).toBe(120);
  });

  it('enforces the key algorithm allow-list, naming the algorithm', () => {
    expect(outcome([release], releaseRequest({ keyAlgorithm: 'ecdsa-p384' }))).toBe(
      'release-pipeline',
    );
    expect(evaluate([release], releaseRequest({ keyAlgorithm: 'rsa-2048' }), LIMITS)).toEqual({
      allowed: false,
      reason: 'KEY_ALGORITHM',
      message: `key algorithm "rsa-2048" is not allowed for identity "${WORKFLOW}@refs/tags/v1.2.3" from issuer "${GITHUB}"; allowed: ecdsa-p256, ecdsa-p384`,
    });
    // No allow-list: any algorithm (the issuance layer rejects keys the CA cannot certify).
    expect(outcome([alice], request({ keyAlgorithm: 'rsa-4096' }))).toBe('alice');
  });

  it('falls through to a later rule that allows the key algorithm', () => {
    const p256 = rule({ name: 'p256-only', allowedKeyAlgorithms: ['ecdsa-p256'] });
    const ed = rule({ name: 'ed-only', allowedKeyAlgorithms: ['ed25519'] });
    expect(outcome([p256, ed], request({ keyAlgorithm: 'ed25519' }))).toBe('ed-only');
    const d = evaluate([p256, ed], request({ keyAlgorithm: 'rsa-3072' }), LIMITS);
    expect(!d.allowed && d.message).toMatch(/; allowed: ecdsa-p256, ed25519$/);
  });

  it('lets the first matching rule win, by position rather than array order', () => {
    const broad = rule({ name: 'broad', position: 0, subject: '*@example.com' });
    const narrow = rule({ name: 'narrow', position: 1, certificateLifetimeSeconds: 60 });
    expect(outcome([broad, narrow], request())).toBe('broad');
    expect(outcome([narrow, broad], request())).toBe('broad');
    expect(outcome([{ ...broad, position: 2 }, narrow], request())).toBe('narrow');
    expect(outcome([broad, narrow], request({ subject: 'bob@example.com' }))).toBe('broad');
  });
});

/** Issue 17's dry run: the same engine as issuance, with the reason of every rule. */
describe(explain.name, () => {
  const outcomes = (rules: StoredRule[], req: PolicyRequest) =>
    explain(rules, req, LIMITS).rules.map(({ rule: r, ...o }) => ({ rule: r.name, ...o }));

  it('says for each rule which matcher failed, or that it allowed, and that later rules were not reached', () => {
    const rules = [
      { ...release, position: 0 },
      rule({ name: 'p384-only', position: 1, allowedKeyAlgorithms: ['ecdsa-p384'] }),
      { ...alice, position: 2 },
      rule({ name: 'later', position: 3, subject: '*' }),
    ];
    expect(outcomes(rules, request())).toEqual([
      { rule: 'release-pipeline', outcome: 'issuer', pattern: GITHUB },
      { rule: 'p384-only', outcome: 'key-algorithm', allowed: ['ecdsa-p384'] },
      { rule: 'alice', outcome: 'allowed' },
      { rule: 'later', outcome: 'not-reached' },
    ]);
    expect(explain(rules, request(), LIMITS).decision).toEqual(evaluate(rules, request(), LIMITS));
  });

  it('names the subject pattern, and a claim that is missing or does not match', () => {
    expect(outcomes([release], releaseRequest({ subject: `${WORKFLOW}@refs/heads/main` }))).toEqual(
      [{ rule: 'release-pipeline', outcome: 'subject', pattern: `${WORKFLOW}@refs/tags/*` }],
    );
    expect(outcomes([release], releaseRequest({ claims: { repository_owner: 'acme' } }))).toEqual([
      {
        rule: 'release-pipeline',
        outcome: 'claim',
        claim: 'event_name',
        problem: 'missing',
        condition: 'push',
      },
    ]);
    expect(
      outcomes(
        [release],
        releaseRequest({ claims: { repository_owner: 'evil', event_name: 'push' } }),
      ),
    ).toEqual([
      {
        rule: 'release-pipeline',
        outcome: 'claim',
        claim: 'repository_owner',
        problem: 'mismatch',
        condition: 'acme',
      },
    ]);
  });

  it('decides exactly as evaluate does, for allowed and denied requests alike', () => {
    const rules = [alice, release];
    for (const req of [
      request(),
      request({ subject: 'bob@example.com' }),
      releaseRequest(),
      releaseRequest({ keyAlgorithm: 'rsa-2048' }),
    ]) {
      expect(explain(rules, req, LIMITS).decision).toEqual(evaluate(rules, req, LIMITS));
    }
  });
});
