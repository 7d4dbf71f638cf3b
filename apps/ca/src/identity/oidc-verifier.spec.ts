import { startOidcIssuer, type LocalOidcIssuer } from '@app/testing/oidc-issuer';
import type { IssuerConfig } from './issuer-config';
import { OidcVerifier } from './oidc-verifier';
import { githubClaims, githubExtensions, gitlabClaims } from './testing/ci-claims';
import { payloadOf } from './testing/tokens';

describe(OidcVerifier.name, () => {
  let idp: LocalOidcIssuer;
  let verifier: OidcVerifier;
  let issuers: IssuerConfig[];

  beforeAll(async () => {
    idp = await startOidcIssuer();
    const at = (path: string, type: IssuerConfig['type'], extra: Partial<IssuerConfig> = {}) => ({
      url: `${idp.url}${path}`,
      audience: 'sigstore',
      type,
      allowHttp: true,
      ...extra,
    });
    issuers = [
      at('', 'email'),
      at('/github', 'github-workflow'),
      at('/gitlab', 'gitlab-pipeline'),
      {
        wildcardUrl: `${idp.url}/k8s/*`,
        audience: 'sigstore',
        type: 'kubernetes',
        allowHttp: true,
      },
      at('/spire', 'spiffe', { spiffeTrustDomain: 'example.org' }),
      at('/uri', 'uri', { subjectDomain: 'http://127.0.0.1' }),
      at('/users', 'username', { subjectDomain: '127.0.0.1' }),
    ];
    verifier = new OidcVerifier(issuers);
  });
  afterAll(() => idp.close());

  const common = (iss: string, sub: string) => ({
    '1.3.6.1.4.1.57264.1.1': iss,
    '1.3.6.1.4.1.57264.1.8': iss,
    '1.3.6.1.4.1.57264.1.24': sub,
  });

  it('verifies an email token (ES256) end to end', async () => {
    const token = await idp.mint({ sub: 'u-1', email: 'alice@example.com', email_verified: true });
    expect(await verifier.verify(token)).toEqual({
      issuer: idp.url,
      issuerType: 'email',
      subject: 'u-1',
      challenge: 'alice@example.com',
      san: { type: 'email', value: 'alice@example.com' },
      extensions: common(idp.url, 'u-1'),
      claims: payloadOf(token),
    });
  });

  it('verifies an RS256 token', async () => {
    const token = await idp.mint(
      { sub: 'u-2', email: 'bob@example.com', email_verified: true },
      { alg: 'RS256' },
    );
    expect((await verifier.verify(token)).san.value).toBe('bob@example.com');
  });

  it('verifies a GitHub Actions token with every Fulcio extension', async () => {
    const iss = `${idp.url}/github`;
    const token = await idp.mint({ ...githubClaims, iss });
    expect(await verifier.verify(token)).toEqual({
      issuer: iss,
      issuerType: 'github-workflow',
      subject: githubClaims.sub,
      challenge: githubClaims.sub,
      san: {
        type: 'uri',
        value: 'https://github.com/sigstore/fulcio/.github/workflows/foo.yaml@refs/heads/main',
      },
      extensions: { ...githubExtensions, ...common(iss, githubClaims.sub) },
      claims: payloadOf(token),
    });
  });

  it('verifies a GitLab CI token, using the issuer as the instance URL', async () => {
    const iss = `${idp.url}/gitlab`;
    const token = await idp.mint({ ...gitlabClaims, iss });
    const principal = await verifier.verify(token);
    expect(principal.san).toEqual({
      type: 'uri',
      value: 'https://gitlab.com/cpanto/testing-cosign//.gitlab-ci.yml@refs/head/main',
    });
    expect(principal.challenge).toBe(gitlabClaims.sub);
    expect(principal.extensions).toEqual({
      ...common(iss, gitlabClaims.sub),
      '1.3.6.1.4.1.57264.1.9':
        'https://gitlab.com/cpanto/testing-cosign//.gitlab-ci.yml@refs/head/main',
      '1.3.6.1.4.1.57264.1.10': '714a629c0b401fdce83e847fc9589983fc6f46bc',
      '1.3.6.1.4.1.57264.1.11': 'gitlab-hosted',
      '1.3.6.1.4.1.57264.1.12': `${iss}/cpanato/testing-cosign`,
      '1.3.6.1.4.1.57264.1.13': '714a629c0b401fdce83e847fc9589983fc6f46bc',
      '1.3.6.1.4.1.57264.1.14': 'refs/heads/main',
      '1.3.6.1.4.1.57264.1.15': '42831435',
      '1.3.6.1.4.1.57264.1.16': `${iss}/cpanato`,
      '1.3.6.1.4.1.57264.1.17': '1730270',
      '1.3.6.1.4.1.57264.1.18':
        'https://gitlab.com/cpanto/testing-cosign//.gitlab-ci.yml@refs/head/main',
      '1.3.6.1.4.1.57264.1.19': '714a629c0b401fdce83e847fc9589983fc6f46bc',
      '1.3.6.1.4.1.57264.1.20': 'push',
      '1.3.6.1.4.1.57264.1.21': `${iss}/cpanato/testing-cosign/-/jobs/3659681386`,
      '1.3.6.1.4.1.57264.1.22': 'public',
    });
  });

  it('verifies a Kubernetes token from a meta-issuer', async () => {
    const iss = `${idp.url}/k8s/cluster-1`;
    const sub = 'system:serviceaccount:ci:builder';
    const token = await idp.mint({
      iss,
      sub,
      'kubernetes.io': { namespace: 'ci', serviceaccount: { name: 'builder', uid: 'u' } },
    });
    expect(await verifier.verify(token)).toEqual({
      issuer: iss,
      issuerType: 'kubernetes',
      subject: sub,
      challenge: sub,
      san: { type: 'uri', value: 'https://kubernetes.io/namespaces/ci/serviceaccounts/builder' },
      extensions: common(iss, sub),
      claims: payloadOf(token),
    });
  });

  it('verifies SPIFFE, URI and username tokens', async () => {
    const cases = [
      [
        '/spire',
        'spiffe://example.org/ns/ci/sa/builder',
        'spiffe',
        'uri',
        'spiffe://example.org/ns/ci/sa/builder',
      ],
      ['/uri', 'http://127.0.0.1/users/alice', 'uri', 'uri', 'http://127.0.0.1/users/alice'],
      ['/users', 'alice', 'username', 'otherName', 'alice!127.0.0.1'],
    ] as const;
    for (const [path, sub, issuerType, sanType, sanValue] of cases) {
      const iss = `${idp.url}${path}`;
      const token = await idp.mint({ iss, sub });
      expect(await verifier.verify(token)).toEqual({
        issuer: iss,
        issuerType,
        subject: sub,
        challenge: sub,
        san: { type: sanType, value: sanValue },
        extensions: common(iss, sub),
        claims: payloadOf(token),
      });
    }
  });

  it('describes the issuers for GET /api/v2/configuration', () => {
    const described = verifier.describe();
    expect(described[0]).toEqual({
      issuerUrl: idp.url,
      audience: 'sigstore',
      challengeClaim: 'email',
      issuerType: 'email',
    });
    expect(described[3]).toEqual({
      wildcardIssuerUrl: `${idp.url}/k8s/*`,
      audience: 'sigstore',
      challengeClaim: 'sub',
      issuerType: 'kubernetes',
    });
    expect(described[4]).toMatchObject({ spiffeTrustDomain: 'example.org', challengeClaim: 'sub' });
    expect(described[6]).toMatchObject({ subjectDomain: '127.0.0.1', issuerType: 'username' });
    expect(described).toHaveLength(issuers.length);
  });

  it('rejects an invalid configuration at construction, naming the field', () => {
    expect(
      () => new OidcVerifier([{ url: 'http://idp.example.com', audience: 'a', type: 'email' }]),
    ).toThrow(
      'issuers[0].url: plain http is allowed only for loopback issuers with allowHttp: true',
    );
  });
});
