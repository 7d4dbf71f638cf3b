import type { Signer } from '@sigstore/verify';
import { generateKeyPairSync } from 'node:crypto';
import { anchoredRegExp, checkIdentity, identityPolicyFrom } from './identity-policy';

const signer = (san: string, issuer: string, oids: Record<string, string> = {}): Signer => ({
  key: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey,
  identity: {
    subjectAlternativeName: san,
    extensions: { issuer },
    oids: Object.entries(oids).map(([oid, value]) => ({
      oid: { id: oid.split('.').map(Number) },
      value: Buffer.from(value),
    })),
  },
});
const ISSUER = 'https://token.actions.githubusercontent.com';
const SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1';

describe(anchoredRegExp.name, () => {
  it('matches the whole value only', () => {
    const re = anchoredRegExp('alice@example\\.com', 'flag');
    expect(re.source).toBe('^(?:alice@example\\.com)$');
    expect(re.test('alice@example.com')).toBe(true);
    expect(re.test('malice@example.com')).toBe(false);
    expect(re.test('alice@example.com.evil')).toBe(false);
  });

  it('keeps an alternation inside the anchors', () => {
    const re = anchoredRegExp('a@x\\.com|b@x\\.com', 'flag');
    expect(re.test('a@x.com')).toBe(true);
    expect(re.test('b@x.com')).toBe(true);
    expect(re.test('a@x.com.evil')).toBe(false);
    expect(re.test('evil.b@x.com')).toBe(false);
  });

  it('rejects an invalid pattern as bad usage, naming the flag', () => {
    expect(() => anchoredRegExp('(', 'certificate-identity-regexp')).toThrow(
      expect.objectContaining({
        exitCode: 64,
        message: expect.stringContaining(
          '--certificate-identity-regexp: invalid regular expression',
        ),
      }),
    );
  });
});

describe(identityPolicyFrom.name, () => {
  it('requires exactly one identity flag and one issuer flag', () => {
    const usage = (values: Record<string, string>, message: string) =>
      expect(() => identityPolicyFrom(values)).toThrow(
        expect.objectContaining({ exitCode: 64, message }),
      );
    usage(
      { 'certificate-oidc-issuer': ISSUER },
      '--certificate-identity or --certificate-identity-regexp is required (or --key for a managed key)',
    );
    usage(
      { 'certificate-identity': SAN },
      '--certificate-oidc-issuer or --certificate-oidc-issuer-regexp is required (or --key for a managed key)',
    );
    usage(
      {
        'certificate-identity': SAN,
        'certificate-identity-regexp': '.*',
        'certificate-oidc-issuer': ISSUER,
      },
      'give --certificate-identity or --certificate-identity-regexp, not both',
    );
  });
});

describe(checkIdentity.name, () => {
  const policy = (values: Record<string, string>) =>
    identityPolicyFrom({
      'certificate-identity': SAN,
      'certificate-oidc-issuer': ISSUER,
      ...values,
    });

  it('accepts exact matches and anchored regexps', () => {
    expect(() => checkIdentity(signer(SAN, ISSUER), policy({}))).not.toThrow();
    const regexps = identityPolicyFrom({
      'certificate-identity-regexp': 'https://github\\.com/acme/.*',
      'certificate-oidc-issuer-regexp': 'https://token\\.actions\\.githubusercontent\\.com',
    });
    expect(() => checkIdentity(signer(SAN, ISSUER), regexps)).not.toThrow();
  });

  it('refuses a SAN that an unanchored pattern would accept', () => {
    const p = identityPolicyFrom({
      'certificate-identity-regexp': 'https://github\\.com/acme/app/.*',
      'certificate-oidc-issuer': ISSUER,
    });
    expect(() => checkIdentity(signer(`https://evil.example/${SAN}`, ISSUER), p)).toThrow(
      expect.objectContaining({ exitCode: 1, code: 'IDENTITY_MISMATCH' }),
    );
  });

  it('names the flag, what it required and what the certificate has', () => {
    expect(() => checkIdentity(signer(SAN, 'https://other'), policy({}))).toThrow(
      `--certificate-oidc-issuer: the certificate does not match "${ISSUER}" (it has "https://other")`,
    );
    expect(() => checkIdentity(signer(`${SAN}x`, ISSUER), policy({}))).toThrow(
      /--certificate-identity: /,
    );
  });

  it('checks the GitHub workflow OIDs exactly, and refuses a certificate without them', () => {
    const oids = {
      '1.3.6.1.4.1.57264.1.2': 'push',
      '1.3.6.1.4.1.57264.1.3': 'a'.repeat(40),
      '1.3.6.1.4.1.57264.1.4': 'release',
      '1.3.6.1.4.1.57264.1.5': 'acme/app',
      '1.3.6.1.4.1.57264.1.6': 'refs/tags/v1',
    };
    const all = policy({
      'certificate-github-workflow-trigger': 'push',
      'certificate-github-workflow-sha': 'a'.repeat(40),
      'certificate-github-workflow-name': 'release',
      'certificate-github-workflow-repository': 'acme/app',
      'certificate-github-workflow-ref': 'refs/tags/v1',
    });
    expect(() => checkIdentity(signer(SAN, ISSUER, oids), all)).not.toThrow();
    expect(() =>
      checkIdentity(
        signer(SAN, ISSUER, oids),
        policy({ 'certificate-github-workflow-repository': 'acme/ap' }),
      ),
    ).toThrow(
      '--certificate-github-workflow-repository: the certificate does not match "acme/ap" (it has "acme/app")',
    );
    expect(() =>
      checkIdentity(
        signer(SAN, ISSUER),
        policy({ 'certificate-github-workflow-ref': 'refs/tags/v1' }),
      ),
    ).toThrow('(it has none)');
  });
});
