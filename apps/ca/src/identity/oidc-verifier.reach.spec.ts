import { promises as dns } from 'node:dns';
import { Logger } from '@nestjs/common';
import { startOidcIssuer, type LocalOidcIssuer } from '@app/testing/oidc-issuer';
import type { IssuerConfig } from './issuer-config';
import { OidcVerifier, type OidcVerifierOptions } from './oidc-verifier';
import { publicOnlyFetch } from './public-fetch';
import { codeAndMessage, rejection } from './testing/identity-errors';

const DISCOVERY = '/.well-known/openid-configuration';

const urlOf = (input: Parameters<typeof fetch>[0]): string =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;

/**
 * A fetch that reaches no network: it serves discovery for `issuer` naming `jwksUri`, hands
 * requests for `jwksUri` to `jwksFetch` if given, and answers 404 to anything else.
 */
const offline =
  (issuer: string, jwksUri: string, jwksFetch?: typeof fetch): typeof fetch =>
  (input, init) => {
    const url = urlOf(input);
    if (url === jwksUri && jwksFetch !== undefined) return jwksFetch(input, init);
    return Promise.resolve(
      url === `${issuer}${DISCOVERY}`
        ? new Response(JSON.stringify({ issuer, jwks_uri: jwksUri }), { status: 200 })
        : new Response('{}', { status: 404 }),
    );
  };

// Security review L2: what a token can make the CA reach. Every request here goes to this
// machine or to the `offline` fetch above.
describe(`${OidcVerifier.name}: what issuers may make the CA reach`, () => {
  let idp: LocalOidcIssuer;
  let warnings: jest.SpyInstance;
  const email = { sub: 'u-1', email: 'alice@example.com', email_verified: true };
  const make = (issuers: IssuerConfig[], options: OidcVerifierOptions = {}) =>
    new OidcVerifier(issuers, options);
  const warned = (): unknown[] => warnings.mock.calls.map(([message]) => message as unknown);

  beforeEach(async () => {
    idp = await startOidcIssuer();
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    warnings.mockRestore();
    await idp.close();
  });

  describe('addresses, after DNS, for issuers without allowHttp', () => {
    it('refuses discovery from a host that resolves to loopback: the client learns only "could not fetch"', async () => {
      const port = new URL(idp.url).port;
      const iss = `https://localhost:${port}`;
      const config: IssuerConfig = { url: iss, audience: 'sigstore', type: 'email' };
      const [first] = await dns.lookup('localhost', { all: true });
      const error = await rejection(make([config]).verify(await idp.mint({ ...email, iss })));
      expect(codeAndMessage(error)).toEqual({
        code: 'ISSUER_UNAVAILABLE',
        message: `could not fetch ${iss}${DISCOVERY}`,
      });
      expect(warned()).toEqual([
        `could not fetch ${iss}${DISCOVERY}: localhost resolves to ${first?.address}, which is a loopback address, refused for an issuer without allowHttp`,
      ]);
      expect(idp.requests).toEqual([]);
    });

    it('refuses a JWKS on a private address that discovery names', async () => {
      const issuer = 'https://accounts.example.com';
      const jwksUri = `https://127.0.0.1:${new URL(idp.url).port}/jwks`;
      const config: IssuerConfig = { url: issuer, audience: 'sigstore', type: 'email' };
      const verifier = make([config], { fetch: offline(issuer, jwksUri, publicOnlyFetch()) });
      const error = await rejection(verifier.verify(await idp.mint({ ...email, iss: issuer })));
      expect(codeAndMessage(error)).toEqual({
        code: 'ISSUER_UNAVAILABLE',
        message: `could not fetch JWKS ${jwksUri}`,
      });
      expect(warned()).toEqual([
        `could not fetch JWKS ${jwksUri}: 127.0.0.1 is a loopback address, refused for an issuer without allowHttp`,
      ]);
      expect(idp.requests).toEqual([]);
    });

    it('lets an issuer with allowHttp use loopback', async () => {
      const config: IssuerConfig = {
        url: idp.url,
        audience: 'sigstore',
        type: 'email',
        allowHttp: true,
      };
      expect((await make([config]).verify(await idp.mint(email))).subject).toBe('u-1');
      expect(idp.requests).toEqual([DISCOVERY, '/jwks']);
    });
  });

  describe('jwksInIssuerDomain', () => {
    const issuer = 'https://accounts.example.com';
    const configured = (jwksInIssuerDomain?: boolean): IssuerConfig => ({
      url: issuer,
      audience: 'sigstore',
      type: 'email',
      ...(jwksInIssuerDomain === undefined ? {} : { jwksInIssuerDomain }),
    });

    it("refuses a jwks_uri outside the issuer's registrable domain when set", async () => {
      const jwksUri = 'https://keys.example.net/jwks';
      const verifier = make([configured(true)], { fetch: offline(issuer, jwksUri) });
      const error = await rejection(verifier.verify(await idp.mint({ ...email, iss: issuer })));
      expect(codeAndMessage(error)).toEqual({
        code: 'ISSUER_UNAVAILABLE',
        message: `discovery document ${issuer}${DISCOVERY} has jwks_uri "${jwksUri}" outside the issuer's domain, which the issuer's jwksInIssuerDomain requires`,
      });
    });

    it.each([
      [true, 'https://keys.example.com/jwks'],
      [undefined, 'https://www.googleapis.com/oauth2/v3/certs'],
    ])('with %s, lets discovery name %s and fetches it', async (setting, jwksUri) => {
      const verifier = make([configured(setting)], { fetch: offline(issuer, jwksUri) });
      const error = await rejection(verifier.verify(await idp.mint({ ...email, iss: issuer })));
      expect(codeAndMessage(error)).toEqual({
        code: 'ISSUER_UNAVAILABLE',
        message: `could not fetch JWKS ${jwksUri}`,
      });
    });

    // Fulcio's "same last two labels" let jwks_uri go to anyone's site under a public suffix.
    it('is always on for a wildcard issuer, by registrable domain (Public Suffix List)', async () => {
      const metaIssuer: IssuerConfig = {
        wildcardUrl: 'https://ci.acme.github.io/k8s/*',
        audience: 'sigstore',
        type: 'kubernetes',
      };
      const iss = 'https://ci.acme.github.io/k8s/cluster-a';
      const jwksUri = 'https://evil.github.io/jwks';
      const verifier = make([metaIssuer], { fetch: offline(iss, jwksUri) });
      const kubernetes = { sub: 's', 'kubernetes.io': { namespace: 'ci' } };
      const error = await rejection(verifier.verify(await idp.mint({ ...kubernetes, iss })));
      expect(codeAndMessage(error)).toEqual({
        code: 'ISSUER_UNAVAILABLE',
        message: `discovery document ${iss}${DISCOVERY} has jwks_uri "${jwksUri}" outside the issuer's domain, which a wildcard issuer requires`,
      });
    });
  });
});
