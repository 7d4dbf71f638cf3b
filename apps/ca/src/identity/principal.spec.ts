import { IdentityError } from './identity.error';
import { codeAndMessage, thrown } from './testing/identity-errors';
import type { IssuerConfig } from './issuer-config';
import { buildPrincipal } from './principal';

const iss = 'https://idp.example.com';
const config = (type: IssuerConfig['type'], extra: Partial<IssuerConfig> = {}): IssuerConfig => ({
  url: iss,
  audience: 'sigstore',
  type,
  ...extra,
});
const base = (sub: string) => ({
  '1.3.6.1.4.1.57264.1.1': iss,
  '1.3.6.1.4.1.57264.1.8': iss,
  '1.3.6.1.4.1.57264.1.24': sub,
});

describe(buildPrincipal.name, () => {
  describe('email', () => {
    const claims = { sub: '1234', email: 'alice@example.com', email_verified: true };

    it('uses the email as SAN and challenge', () => {
      expect(buildPrincipal(config('email'), iss, claims)).toEqual({
        issuer: iss,
        issuerType: 'email',
        subject: '1234',
        challenge: 'alice@example.com',
        san: { type: 'email', value: 'alice@example.com' },
        extensions: base('1234'),
        claims,
      });
    });

    it.each([
      [
        { email_verified: false },
        'EMAIL_NOT_VERIFIED',
        'email_verified is false for "alice@example.com"; it must be true',
      ],
      [
        { email_verified: 'true' },
        'EMAIL_NOT_VERIFIED',
        'email_verified is "true" for "alice@example.com"; it must be true',
      ],
      [
        { email_verified: undefined },
        'EMAIL_NOT_VERIFIED',
        'token has no email_verified claim for "alice@example.com"; the issuer must assert it',
      ],
      [{ email: undefined }, 'MISSING_CLAIM', 'email token has no email claim'],
      [
        { email: 'not-an-address' },
        'INVALID_CLAIM',
        'email claim is not an address: "not-an-address"',
      ],
      [{ sub: '' }, 'MISSING_CLAIM', `token from ${iss} has no sub claim`],
    ])('rejects %j', (change, code, message) => {
      expect(
        codeAndMessage(
          thrown(() => buildPrincipal(config('email'), iss, { ...claims, ...change })),
        ),
      ).toEqual({ code: code as IdentityError['code'], message: message });
    });

    it('accepts an unverified email when skipEmailVerification is set (Entra ID, ADFS)', () => {
      const principal = buildPrincipal(config('email', { skipEmailVerification: true }), iss, {
        sub: 'x',
        email: 'bob@corp.example',
      });
      expect(principal.san).toEqual({ type: 'email', value: 'bob@corp.example' });
    });
  });

  describe('kubernetes', () => {
    const claims = {
      sub: 'system:serviceaccount:default:builder',
      'kubernetes.io': { namespace: 'default', serviceaccount: { name: 'builder', uid: 'u' } },
    };

    it('builds the service-account URI and signs sub', () => {
      const principal = buildPrincipal(config('kubernetes'), iss, claims);
      expect(principal.san).toEqual({
        type: 'uri',
        value: 'https://kubernetes.io/namespaces/default/serviceaccounts/builder',
      });
      expect(principal.challenge).toBe('system:serviceaccount:default:builder');
      expect(principal.extensions).toEqual(base('system:serviceaccount:default:builder'));
    });

    it.each([
      [
        { 'kubernetes.io': undefined },
        'MISSING_CLAIM',
        'kubernetes token has no kubernetes.io claim',
      ],
      [
        { 'kubernetes.io': { serviceaccount: { name: 'b' } } },
        'MISSING_CLAIM',
        'kubernetes token has no kubernetes.io.namespace claim',
      ],
      [
        { 'kubernetes.io': { namespace: 'd' } },
        'MISSING_CLAIM',
        'kubernetes token has no kubernetes.io.serviceaccount.name claim',
      ],
      [
        { 'kubernetes.io': { namespace: 'a/../b', serviceaccount: { name: 'b' } } },
        'INVALID_CLAIM',
        'kubernetes.io.namespace is not a Kubernetes name: "a/../b"',
      ],
    ])('rejects %j', (change, code, message) => {
      expect(
        codeAndMessage(
          thrown(() => buildPrincipal(config('kubernetes'), iss, { ...claims, ...change })),
        ),
      ).toEqual({ code: code as IdentityError['code'], message: message });
    });
  });

  describe('spiffe', () => {
    const spiffe = config('spiffe', { spiffeTrustDomain: 'example.org' });

    it('uses sub as the URI SAN', () => {
      const principal = buildPrincipal(spiffe, iss, {
        sub: 'spiffe://example.org/ns/ci/sa/builder',
      });
      expect(principal.san).toEqual({
        type: 'uri',
        value: 'spiffe://example.org/ns/ci/sa/builder',
      });
      expect(principal.challenge).toBe('spiffe://example.org/ns/ci/sa/builder');
    });

    it.each([
      [
        'spiffe://other.org/x',
        'SPIFFE ID trust domain "other.org" does not match the issuer\'s trust domain "example.org"',
      ],
      ['spiffe://example.org/a/../b', 'sub is not a SPIFFE ID: "spiffe://example.org/a/../b"'],
      ['spiffe://example.org/a/', 'sub is not a SPIFFE ID: "spiffe://example.org/a/"'],
      ['https://example.org/a', 'sub is not a SPIFFE ID: "https://example.org/a"'],
    ])('rejects sub %s', (sub, message) => {
      expect(codeAndMessage(thrown(() => buildPrincipal(spiffe, iss, { sub })))).toEqual({
        code: 'INVALID_CLAIM',
        message: message,
      });
    });
  });

  describe('uri', () => {
    const uri = config('uri', { subjectDomain: 'https://example.com' });

    it('uses sub as the URI SAN when its scheme and host match subjectDomain', () => {
      const principal = buildPrincipal(uri, iss, { sub: 'https://example.com/users/alice' });
      expect(principal.san).toEqual({ type: 'uri', value: 'https://example.com/users/alice' });
      expect(principal.extensions).toEqual(base('https://example.com/users/alice'));
    });

    it.each([
      [
        'https://evil.com/users/alice',
        'uri sub "https://evil.com/users/alice" must have scheme and host https://example.com',
      ],
      [
        'http://example.com/users/alice',
        'uri sub "http://example.com/users/alice" must have scheme and host https://example.com',
      ],
      ['alice@example.com', 'uri sub must not be an email address: "alice@example.com"'],
      ['users/alice', 'uri sub is not an absolute URI: "users/alice"'],
    ])('rejects sub %s', (sub, message) => {
      expect(codeAndMessage(thrown(() => buildPrincipal(uri, iss, { sub })))).toEqual({
        code: 'INVALID_CLAIM',
        message: message,
      });
    });
  });

  describe('username', () => {
    const username = config('username', { subjectDomain: 'example.com' });

    it('builds the otherName sub!domain', () => {
      const principal = buildPrincipal(username, iss, { sub: 'alice' });
      expect(principal.san).toEqual({ type: 'otherName', value: 'alice!example.com' });
      expect(principal.challenge).toBe('alice');
    });

    it.each(['al!ce', 'alice@example.com'])('rejects sub %s', (sub) => {
      expect(codeAndMessage(thrown(() => buildPrincipal(username, iss, { sub })))).toEqual({
        code: 'INVALID_CLAIM',
        message: `username sub must not contain '!' or '@', got "${sub}"`,
      });
    });
  });

  it('signs the email claim when a non-email token carries one (what sigstore-js signs)', () => {
    const principal = buildPrincipal(config('username', { subjectDomain: 'example.com' }), iss, {
      sub: 'alice',
      email: 'alice@example.com',
    });
    expect(principal.challenge).toBe('alice@example.com');
  });

  it('freezes a copy of the claims', () => {
    const claims = { sub: 'alice' };
    const principal = buildPrincipal(
      config('username', { subjectDomain: 'example.com' }),
      iss,
      claims,
    );
    expect(Object.isFrozen(principal.claims)).toBe(true);
    expect(principal.claims).not.toBe(claims);
  });
});
