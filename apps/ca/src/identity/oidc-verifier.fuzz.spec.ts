import fc from 'fast-check';
import { startOidcIssuer, type LocalOidcIssuer } from '@app/testing/oidc-issuer';
import {
  anyJson,
  domainError,
  fuzzAsync,
  keepsContractAsync,
  mutatedJson,
  mutatedText,
} from '@app/testing/fuzz';
import { IdentityError } from './identity.error';
import { OidcVerifier } from './oidc-verifier';
import { githubClaims } from './testing/ci-claims';

/**
 * The OIDC ID token is the first credential the CA reads: every mutated token (as text, or
 * properly signed over mutated claims and headers) verifies or is an `IdentityError` (a 401 or
 * 400 naming the check), within the budget.
 */
describe('OIDC ID tokens on hostile input', () => {
  const refused = domainError(IdentityError);
  let idp: LocalOidcIssuer;
  let verifier: OidcVerifier;
  let claims: Record<string, unknown>[];
  let tokens: string[];

  beforeAll(async () => {
    idp = await startOidcIssuer();
    verifier = new OidcVerifier([
      { url: idp.url, audience: 'sigstore', type: 'email', allowHttp: true },
      { url: `${idp.url}/github`, audience: 'sigstore', type: 'github-workflow', allowHttp: true },
    ]);
    claims = [
      { sub: 'u-1', email: 'alice@example.com', email_verified: true },
      { ...githubClaims, iss: `${idp.url}/github` },
    ];
    tokens = [await idp.mint(claims[0]!), await idp.mint(claims[1]!, { alg: 'RS256' })];
  });
  afterAll(() => idp.close());

  it('verifies the valid tokens', async () => {
    for (const token of tokens) await expect(verifier.verify(token)).resolves.toBeDefined();
  });

  it('answers every mutated token text with a principal or an IdentityError', async () => {
    await fuzzAsync(
      fc.asyncProperty(mutatedText(...tokens), (token) =>
        keepsContractAsync(() => verifier.verify(token), refused),
      ),
    );
  });

  it('answers every signed token over mutated claims or headers likewise', async () => {
    const object = (v: unknown): Record<string, unknown> =>
      typeof v === 'object' && v !== null && !Array.isArray(v)
        ? (v as Record<string, unknown>)
        : {};
    await fuzzAsync(
      fc.asyncProperty(
        mutatedJson(...claims),
        fc.option(
          fc.dictionary(fc.constantFrom('alg', 'kid', 'typ', 'crit', 'b64', 'jku'), anyJson),
        ),
        fc.constantFrom<'ES256' | 'RS256'>('ES256', 'RS256'),
        async (mutated, header, alg) => {
          const token = await idp
            .mint(object(mutated), { alg, ...(header ? { header } : {}) })
            .catch(() => undefined);
          // jose refuses to sign some headers (crit without the extension): nothing to send.
          if (token !== undefined) await keepsContractAsync(() => verifier.verify(token), refused);
        },
      ),
    );
  });
});
