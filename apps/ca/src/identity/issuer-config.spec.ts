import { parseIssuers } from './issuer-config';

describe(parseIssuers.name, () => {
  const github = {
    url: 'https://token.actions.githubusercontent.com',
    audience: 'sigstore',
    type: 'github-workflow',
  };

  it('returns valid issuers unchanged and treats a missing section as none', () => {
    const issuers = [
      github,
      {
        wildcardUrl: 'https://oidc.eks.*.amazonaws.com/id/*',
        audience: 'sigstore',
        type: 'kubernetes',
      },
      {
        url: 'http://127.0.0.1:8080',
        allowHttp: true,
        audience: 'sigstore',
        type: 'email',
        skipEmailVerification: true,
      },
      {
        url: 'https://accounts.example.com',
        audience: 'a',
        type: 'uri',
        subjectDomain: 'https://example.com',
      },
      {
        url: 'https://accounts.example.com/u',
        audience: 'a',
        type: 'username',
        subjectDomain: 'users.example.com',
      },
      {
        url: 'https://spire.example.com',
        audience: 'a',
        type: 'spiffe',
        spiffeTrustDomain: 'example.org',
      },
    ];
    expect(parseIssuers(issuers)).toEqual(issuers);
    expect(parseIssuers(undefined)).toEqual([]);
    expect(parseIssuers(null)).toEqual([]);
  });

  it.each([
    [
      [github, { ...github, url: 'http://idp.example.com' }],
      'issuers[1].url: plain http is allowed only for loopback issuers with allowHttp: true',
    ],
    [
      [{ ...github, url: 'http://127.0.0.1:1' }],
      'issuers[0].url: plain http is allowed only for loopback issuers with allowHttp: true',
    ],
    [
      [{ ...github, wildcardUrl: 'https://*.example.com/x' }],
      'issuers[0].url: set exactly one of url or wildcardUrl',
    ],
    [[{ audience: 'a', type: 'email' }], 'issuers[0].url: set exactly one of url or wildcardUrl'],
    [
      [{ ...github, audience: '' }],
      'issuers[0].audience: Too small: expected string to have >=1 characters',
    ],
    [
      [{ ...github, type: 'jenkins' }],
      'issuers[0].type: Invalid option: expected one of "email"|"github-workflow"|"gitlab-pipeline"|"kubernetes"|"spiffe"|"uri"|"username"',
    ],
    [[{ ...github, audiance: 'x' }], 'issuers[0]: Unrecognized key: "audiance"'],
    [
      [github, github],
      'issuers[1].url: https://token.actions.githubusercontent.com is listed twice',
    ],
    [
      [{ ...github, skipEmailVerification: true }],
      'issuers[0].skipEmailVerification: applies only to issuers of type email',
    ],
    [[{ ...github, type: 'uri' }], 'issuers[0].subjectDomain: required for uri'],
    [
      [{ ...github, subjectDomain: 'github.com' }],
      'issuers[0].subjectDomain: applies only to issuers of type uri or username',
    ],
    [
      [
        {
          url: 'https://accounts.example.com',
          audience: 'a',
          type: 'uri',
          subjectDomain: 'example.com',
        },
      ],
      'issuers[0].subjectDomain: must be a URL with a scheme, e.g. https://example.com',
    ],
    [
      [
        {
          url: 'https://accounts.example.com',
          audience: 'a',
          type: 'uri',
          subjectDomain: 'http://example.com',
        },
      ],
      "issuers[0].subjectDomain: scheme http: must match the issuer's scheme https:",
    ],
    [
      [
        {
          url: 'https://accounts.example.com',
          audience: 'a',
          type: 'uri',
          subjectDomain: 'https://example.org',
        },
      ],
      "issuers[0].subjectDomain: hostname example.org is not in the issuer's domain (example.com)",
    ],
    [
      [
        {
          url: 'https://accounts.example.com',
          audience: 'a',
          type: 'username',
          subjectDomain: 'https://example.com',
        },
      ],
      'issuers[0].subjectDomain: must be a host name without a scheme, e.g. example.com',
    ],
    [
      [{ url: 'https://spire.example.com', audience: 'a', type: 'spiffe' }],
      'issuers[0].spiffeTrustDomain: required for spiffe',
    ],
    [
      [
        {
          url: 'https://spire.example.com',
          audience: 'a',
          type: 'spiffe',
          spiffeTrustDomain: 'spiffe://example.org',
        },
      ],
      'issuers[0].spiffeTrustDomain: must be a trust domain name: [a-z0-9._-], no scheme',
    ],
    [
      [
        {
          wildcardUrl: 'https://spire.*.example.com',
          audience: 'a',
          type: 'spiffe',
          spiffeTrustDomain: 'example.org',
        },
      ],
      'issuers[0].wildcardUrl: spiffe issuers cannot be wildcards: one issuer per trust domain',
    ],
    [
      [{ wildcardUrl: 'https://*.com/id', audience: 'a', type: 'kubernetes' }],
      "issuers[0].wildcardUrl: must not have '*' in the last two labels of the host",
    ],
    [
      [{ wildcardUrl: 'https://*.github.io/id', audience: 'a', type: 'kubernetes' }],
      'issuers[0].wildcardUrl: must not have \'*\' directly under the public suffix "github.io", where anyone can register a name (Public Suffix List)',
    ],
    [
      [{ url: 'https://idp.example.com', audience: 'a', type: 'email', maxTokenAge: '0s' }],
      'issuers[0].maxTokenAge: must be a duration such as 90s, 10m or 1h',
    ],
    [
      [{ wildcardUrl: 'https://ci-*-*.example.com', audience: 'a', type: 'kubernetes' }],
      "issuers[0].wildcardUrl: has '*' inside the host label \"ci-*-*\"; each '*' must be a whole host label or path segment",
    ],
  ])('rejects %j naming the field', (raw, message) => {
    expect(() => parseIssuers(raw)).toThrow(new Error(message));
  });

  it('rejects a section that is not a list', () => {
    expect(() => parseIssuers({ url: 'x' })).toThrow(
      'issuers: Invalid input: expected array, received object',
    );
  });
});
