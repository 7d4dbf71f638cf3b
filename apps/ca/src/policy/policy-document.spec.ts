import type { SignetConfig } from '@app/platform';
import {
  checkPolicySemantics,
  parsePolicyContent,
  parsePolicySource,
  sameContent,
} from './policy-document';
import { PolicyError } from './policy.error';

const GITHUB = 'https://token.actions.githubusercontent.com';
const IDP = 'https://idp.example.com';
const issuers = [
  { url: GITHUB, audience: 'sigstore', type: 'github-workflow' },
  { url: IDP, audience: 'sigstore', type: 'email' },
];

function problem(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    expect((err as PolicyError).code).toBe('INVALID_POLICY');
    return (err as Error).message;
  }
  throw new Error('expected INVALID_POLICY');
}

describe('policy content', () => {
  it('parses rules and issuers with the SIGNET_CONFIG parsers, naming each bad field without the file prefix', () => {
    expect(
      problem(() =>
        parsePolicyContent(
          {
            issuers: [{ url: 'ftp://x', audience: 'a', type: 'email' }],
            rules: [{ name: 'r', issuer: IDP, subject: '/(unclosed/', certificateLifetime: '2h' }],
          },
          3600,
        ),
      ),
    ).toMatch(
      /^issuers\[0\]\.url: .*; rules\[0\]\.subject \(rule "r"\): .*; rules\[0\]\.certificateLifetime: 2h exceeds the instance maximum of 1h$/,
    );
  });

  it('ignores the ids an export carries', () => {
    const content = parsePolicyContent(
      { issuers, rules: [{ id: 'x', name: 'r', issuer: IDP, subject: 'a@example.com' }] },
      3600,
    );
    expect(content.rules[0]).toMatchObject({ name: 'r', subject: 'a@example.com' });
  });

  it('compares content regardless of claim order', () => {
    const a = parsePolicyContent(
      {
        issuers,
        rules: [{ name: 'r', issuer: GITHUB, subject: '*', claims: { ref: 'x', sha: 'y' } }],
      },
      3600,
    );
    const b = parsePolicyContent(
      {
        issuers,
        rules: [{ name: 'r', issuer: GITHUB, subject: '*', claims: { sha: 'y', ref: 'x' } }],
      },
      3600,
    );
    const c = parsePolicyContent(
      {
        issuers,
        rules: [{ name: 'r', issuer: GITHUB, subject: '*', claims: { sha: 'z', ref: 'x' } }],
      },
      3600,
    );
    expect(sameContent(a, b)).toBe(true);
    expect(sameContent(a, c)).toBe(false);
  });

  describe('checkPolicySemantics (admin changes only)', () => {
    const check = (rules: object[]) => () =>
      checkPolicySemantics(parsePolicyContent({ issuers, rules }, 3600));

    it('accepts claims the matched issuer type carries, and any claim of an open-ended type', () => {
      expect(
        check([
          {
            name: 'gh',
            issuer: GITHUB,
            subject: '*',
            claims: { repository_owner: 'acme', sub: '*' },
          },
        ]),
      ).not.toThrow();
      expect(
        check([{ name: 'idp', issuer: IDP, subject: '*', claims: { groups_custom: 'x' } }]),
      ).not.toThrow();
    });

    it('refuses a claim no matched issuer produces, and a rule that matches no issuer', () => {
      expect(
        problem(
          check([{ name: 'gh', issuer: GITHUB, subject: '*', claims: { repo_owner: 'acme' } }]),
        ),
      ).toBe(
        'rules[0].claims.repo_owner (rule "gh"): no token of the issuers this rule matches (github-workflow) carries a claim "repo_owner"',
      );
      expect(
        problem(check([{ name: 'x', issuer: 'https://other.example.com', subject: '*' }])),
      ).toBe(
        'rules[0].issuer (rule "x"): "https://other.example.com" matches no configured issuer',
      );
    });
  });

  it('reads policy.source: file by default, database on request, and refuses anything else', () => {
    const config = (policy: unknown) =>
      ({ file: policy === undefined ? {} : { policy } }) as unknown as SignetConfig;
    expect(parsePolicySource(config(undefined))).toBe('file');
    expect(parsePolicySource(config({ source: 'database' }))).toBe('database');
    expect(() => parsePolicySource(config({ source: 'git' }))).toThrow(
      'SIGNET_CONFIG: policy.source must be file (rules owned by this file) or database (owned by the admin API), got "git"',
    );
    expect(() => parsePolicySource(config({ source: 'file', mode: 1 }))).toThrow(
      'SIGNET_CONFIG: policy.mode: unknown setting',
    );
  });
});
