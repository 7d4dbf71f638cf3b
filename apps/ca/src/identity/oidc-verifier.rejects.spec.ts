import { startOidcIssuer, type LocalOidcIssuer } from '@app/testing/oidc-issuer';
import { OidcVerifier } from './oidc-verifier';
import { codeAndMessage, rejection } from './testing/identity-errors';
import { payloadOf } from './testing/tokens';

const iso = (seconds: unknown) => new Date((seconds as number) * 1000).toISOString();

describe(`${OidcVerifier.name} rejections`, () => {
  let idp: LocalOidcIssuer;
  let verifier: OidcVerifier;
  const email = { sub: 'u-1', email: 'alice@example.com', email_verified: true };

  beforeAll(async () => {
    idp = await startOidcIssuer();
    verifier = new OidcVerifier([
      { url: idp.url, audience: 'sigstore', type: 'email', allowHttp: true },
    ]);
    await verifier.verify(await idp.mint(email)); // warm the discovery and JWKS caches
  });
  afterAll(() => idp.close());
  beforeEach(() => idp.requests.splice(0));

  const failure = async (token: string) => codeAndMessage(await rejection(verifier.verify(token)));

  describe('before any network request', () => {
    // A verifier with cold caches: any key lookup would show up in idp.requests.
    let cold: OidcVerifier;
    beforeEach(() => {
      cold = new OidcVerifier([
        { url: idp.url, audience: 'sigstore', type: 'email', allowHttp: true },
      ]);
    });
    afterEach(() => expect(idp.requests).toEqual([]));
    const coldFailure = async (token: string) =>
      codeAndMessage(await rejection(cold.verify(token)));

    it.each(['none', 'hs256-with-public-key'] as const)('rejects alg %s', async (noSign) => {
      const token = await idp.mint(email, { noSign });
      const alg = noSign === 'none' ? 'none' : 'HS256';
      expect(await coldFailure(token)).toEqual({
        code: 'UNSUPPORTED_ALGORITHM',
        message: `token alg "${alg}" is not accepted; use one of RS256, RS384, RS512, ES256, ES384, EdDSA`,
      });
    });

    it('rejects an unknown issuer and never contacts it', async () => {
      const fresh = new OidcVerifier([
        { url: `${idp.url}/known`, audience: 'sigstore', type: 'email', allowHttp: true },
      ]);
      const token = await idp.mint({ ...email, iss: `${idp.url}/unknown` });
      expect(codeAndMessage(await rejection(fresh.verify(token)))).toEqual({
        code: 'UNKNOWN_ISSUER',
        message: `issuer "${idp.url}/unknown" is not configured on this CA`,
      });
    });

    it('rejects a token over the size limit before parsing it', async () => {
      const token = await idp.mint({ ...email, padding: 'x'.repeat(20_000) });
      expect(await coldFailure(token)).toEqual({
        code: 'TOKEN_TOO_LARGE',
        message: `token is ${token.length} bytes; the limit is 16384`,
      });
    });

    it.each([
      [
        'not-a-jwt',
        "token must be a signed JWT (three base64url parts separated by '.'), got 1 part(s)",
      ],
      [
        'a.b.c.d.e',
        "token must be a signed JWT (three base64url parts separated by '.'), got 5 part(s)",
      ],
      ['!!!.e30.sig', 'token header is not base64url-encoded JSON'],
      [
        `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.bm90LWpzb24.sig`,
        'token payload is not a base64url-encoded JSON object',
      ],
    ])('rejects malformed token %s', async (token, message) => {
      expect(await coldFailure(token)).toEqual({ code: 'MALFORMED_TOKEN', message });
    });

    it('rejects an empty or non-string token', async () => {
      const expected = { code: 'MALFORMED_TOKEN', message: 'token must be a non-empty string' };
      expect(await coldFailure('')).toEqual(expected);
      expect(await coldFailure(42 as unknown as string)).toEqual(expected);
    });

    it('rejects a token without iss', async () => {
      const token = await idp.mint({ ...email, iss: undefined });
      expect(await coldFailure(token)).toEqual({
        code: 'MISSING_CLAIM',
        message: 'token has no iss claim',
      });
    });
  });

  it('rejects an expired token, naming exp', async () => {
    const token = await idp.mint(email, { expiresIn: -120 });
    const exp = payloadOf(token)['exp'];
    const { code, message } = await failure(token);
    expect(code).toBe('TOKEN_EXPIRED');
    expect(message).toMatch(
      new RegExp(
        `^token expired at ${iso(exp)} \\(exp=${String(exp)}\\); now is \\S+Z, clock tolerance 60 s$`,
      ),
    );
  });

  it('accepts a token expired within the clock tolerance', async () => {
    const token = await idp.mint(email, { expiresIn: -30 });
    expect((await verifier.verify(token)).subject).toBe('u-1');
  });

  it('rejects a token before nbf, naming nbf', async () => {
    const token = await idp.mint(email, { notBefore: 600 });
    const nbf = payloadOf(token)['nbf'];
    const { code, message } = await failure(token);
    expect(code).toBe('TOKEN_NOT_YET_VALID');
    expect(
      message.startsWith(`token is not valid before ${iso(nbf)} (nbf=${String(nbf)}); now is`),
    ).toBe(true);
  });

  // Security review L9: with no bound on token age, a long-lived token was replayable until exp.
  it("rejects a token older than the issuer's maxTokenAge (default 1h), naming iat", async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = await idp.mint({ ...email, iat: now - 7200, exp: now + 3600 });
    const iat = payloadOf(old)['iat'];
    const { code, message } = await failure(old);
    expect(code).toBe('TOKEN_EXPIRED');
    expect(message).toMatch(
      new RegExp(
        `^token was issued at ${iso(iat)} \\(iat=${String(iat)}\\), more than 1h ago, the most issuer ${idp.url} accepts; now is \\S+Z, clock tolerance 60 s$`,
      ),
    );
    const strict = new OidcVerifier([
      { url: idp.url, audience: 'sigstore', type: 'email', allowHttp: true, maxTokenAge: '10m' },
    ]);
    const tenMinutes = await idp.mint({ ...email, iat: now - 900 });
    expect((await rejection(strict.verify(tenMinutes))).message).toMatch(/more than 10m ago/);
    expect((await verifier.verify(tenMinutes)).subject).toBe('u-1');
  });

  it('rejects a token issued in the future', async () => {
    const iat = Math.floor(Date.now() / 1000) + 600;
    const { code, message } = await failure(await idp.mint({ ...email, iat }));
    expect(code).toBe('TOKEN_NOT_YET_VALID');
    expect(message.startsWith(`token iat ${iso(iat)} is in the future; now is`)).toBe(true);
  });

  it.each([
    ['other', '"other"'],
    [['a', 'b'], '["a","b"]'],
  ])('rejects audience %j saying what was expected', async (aud, seen) => {
    expect(await failure(await idp.mint({ ...email, aud }))).toEqual({
      code: 'WRONG_AUDIENCE',
      message: `token audience is ${seen}; issuer ${idp.url} is configured for audience "sigstore"`,
    });
  });

  it.each(['iat', 'exp'])('requires %s', async (claim) => {
    expect(await failure(await idp.mint({ ...email, [claim]: undefined }))).toEqual({
      code: 'MISSING_CLAIM',
      message: `token has no ${claim} claim`,
    });
  });

  it('rejects a token whose payload was changed after signing', async () => {
    const token = await idp.mint(email);
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...payloadOf(token), email: 'mallory@example.com' }),
    );
    const tampered = `${header}.${forged.toString('base64url')}.${signature}`;
    const kid = JSON.parse(Buffer.from(header ?? '', 'base64url').toString()).kid;
    expect(await failure(tampered)).toEqual({
      code: 'INVALID_SIGNATURE',
      message: `token signature does not verify with the key kid "${kid}" of issuer ${idp.url}`,
    });
  });

  it('rejects a kid the issuer does not publish', async () => {
    const token = await idp.mint(email, { kid: 'nope' });
    expect(await failure(token)).toEqual({
      code: 'INVALID_SIGNATURE',
      message: `no key in the issuer's JWKS ${idp.url}/jwks matches the token's kid "nope" and alg "ES256"`,
    });
  });

  it('rejects email_verified false with the email seen', async () => {
    const token = await idp.mint({ ...email, email_verified: false });
    expect(await failure(token)).toEqual({
      code: 'EMAIL_NOT_VERIFIED',
      message: 'email_verified is false for "alice@example.com"; it must be true',
    });
  });

  it('rejects an email token without an email claim', async () => {
    expect(await failure(await idp.mint({ sub: 'u-1' }))).toEqual({
      code: 'MISSING_CLAIM',
      message: 'email token has no email claim',
    });
  });
});
