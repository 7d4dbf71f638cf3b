import {
  checkIssuerUrl,
  checkSameDomain,
  checkWildcardUrl,
  compileWildcardUrl,
  isLoopbackHost,
} from './issuer-url';

describe(compileWildcardUrl.name, () => {
  const eks = compileWildcardUrl('https://oidc.eks.*.amazonaws.com/id/*');

  it('matches one label or path segment per * (Fulcio MetaRegex)', () => {
    expect(
      eks('https://oidc.eks.us-west-2.amazonaws.com/id/B02C93B6A2D30341AD01E1B6D48164CB'),
    ).toBe(true);
    expect(eks('https://oidc.eks.eu_central-1.amazonaws.com/id/abc_DEF-123')).toBe(true);
  });

  it("never lets * cross a '.' or '/'", () => {
    expect(eks('https://oidc.eks.evil.com.amazonaws.com/id/x')).toBe(false);
    expect(eks('https://oidc.eks.us-west-2.amazonaws.com/id/a/b')).toBe(false);
    expect(eks('https://oidc.eks.us-west-2.amazonaws.com/id/a.b')).toBe(false);
    expect(eks('https://oidc.eks.us-west-2.amazonaws.com/id/')).toBe(false);
  });

  it('is anchored at both ends (GHSA-59jp-pj84-45mr)', () => {
    expect(eks('http://localhost:3000?https://oidc.eks.a.amazonaws.com/id/x')).toBe(false);
    expect(eks('https://oidc.eks.a.amazonaws.com/id/x/../../evil')).toBe(false);
    expect(eks('https://oidc.eks.a.amazonaws.com/id/x?q=1')).toBe(false);
    expect(eks('xhttps://oidc.eks.a.amazonaws.com/id/x')).toBe(false);
  });

  it('treats regex metacharacters in the pattern literally', () => {
    const re = compileWildcardUrl('https://a.example.com/t(1)+/*');
    expect(re('https://a.example.com/t(1)+/x')).toBe(true);
    expect(re('https://aXexample.com/t(1)+/x')).toBe(false);
    expect(re('https://a.example.com/t11/x')).toBe(false);
  });

  it('matches a 16 KB iss in linear time, and refuses a pattern checkWildcardUrl refuses', () => {
    const many = compileWildcardUrl('https://*.*.*.example.com/*/*/*');
    const started = performance.now();
    for (const iss of [
      `https://${'a-'.repeat(8_000)}!`,
      `https://${'a.'.repeat(8_000)}example.com/x/y/z`,
      `https://a.b.c.example.com/x/y/${'z'.repeat(16_000)}!`,
    ]) {
      expect(many(iss)).toBe(false);
    }
    expect(performance.now() - started).toBeLessThan(100);
    expect(many('https://a.b.c.example.com/x/y/z')).toBe(true);
    expect(() => compileWildcardUrl('https://ci-*.example.com')).toThrow(
      "wildcard URL https://ci-*.example.com: each '*' must be a whole host label or path segment",
    );
  });
});

describe(isLoopbackHost.name, () => {
  it.each(['localhost', '127.0.0.1', '127.255.0.9', '[::1]'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['10.0.0.1', '128.0.0.1', 'localhost.example.com', '[::2]', 'example.com'])(
    '%s is not',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});

describe(checkIssuerUrl.name, () => {
  const http = 'plain http is allowed only for loopback issuers with allowHttp: true';
  it.each([
    ['https://token.actions.githubusercontent.com', false, undefined],
    ['http://127.0.0.1:8080', true, undefined],
    ['http://localhost:8080/realms/x', true, undefined],
    ['http://127.0.0.1:8080', false, http],
    ['http://idp.example.com', true, http],
    ['ftp://idp.example.com', false, 'scheme ftp: is not allowed; use https'],
    ['https://u:p@idp.example.com', false, 'must not contain credentials'],
    ['https://idp.example.com/?a=b', false, 'must not contain a query or fragment'],
    ['https://idp.example.com/*', false, "contains '*'; use wildcardUrl for a meta-issuer"],
    ['idp.example.com', false, 'is not an absolute URL'],
  ])('%s (allowHttp %s) → %s', (url, allowHttp, problem) => {
    expect(checkIssuerUrl(url, allowHttp)).toBe(problem);
  });
});

describe(checkWildcardUrl.name, () => {
  it.each([
    ['https://oidc.eks.*.amazonaws.com/id/*', false, undefined],
    ['https://token.actions.githubusercontent.com/*', false, undefined],
    ['http://127.0.0.1:9000/tenants/*', true, undefined],
    ['https://*.com/x', false, "must not have '*' in the last two labels of the host"],
    ['https://idp.*/x', false, "must not have '*' in the last two labels of the host"],
    ['https://a.*.example.com:*/x', false, "must not have '*' in the port"],
    ['https://idp.example.com/x', false, "has no '*'; use url for a single issuer"],
    [
      'https://u@*.example.com/x',
      false,
      'must look like https://host/path with no credentials, query or fragment',
    ],
    [
      'https://a.example.com/*?q',
      false,
      'must look like https://host/path with no credentials, query or fragment',
    ],
    [
      'http://*.example.com/x',
      true,
      'plain http is allowed only for loopback issuers with allowHttp: true',
    ],
  ])('%s (allowHttp %s) → %s', (pattern, allowHttp, problem) => {
    expect(checkWildcardUrl(pattern, allowHttp)).toBe(problem);
  });

  // Security review L2: "no '*' in the last two labels" still let `https://*.github.io` in, where
  // anyone can host an issuer. The Public Suffix List (private section included) says where names
  // are handed out to anyone; a `*` there or directly under it is refused.
  it.each([
    ['https://*.github.io/x', 'must not have \'*\' directly under the public suffix "github.io"'],
    [
      'https://*.herokuapp.com',
      'must not have \'*\' directly under the public suffix "herokuapp.com"',
    ],
    [
      'https://idp.*.github.io/x',
      'must not have \'*\' directly under the public suffix "github.io"',
    ],
    [
      'https://*.s3.amazonaws.com/x',
      'must not have \'*\' directly under the public suffix "s3.amazonaws.com"',
    ],
    ['https://*.co.uk/x', 'must not have \'*\' directly under the public suffix "co.uk"'],
    // `*.kawasaki.jp` is a wildcard rule of the list: there the `*` is part of the suffix itself.
    ['https://idp.*.kawasaki.jp/x', 'must not have \'*\' in the public suffix "*.kawasaki.jp"'],
  ])('refuses %s by the Public Suffix List: %s', (pattern, problem) => {
    expect(checkWildcardUrl(pattern, false)).toBe(
      `${problem}, where anyone can register a name (Public Suffix List)`,
    );
  });

  it.each([
    // The real EKS meta-issuer: amazonaws.com is the registrable domain of its neutral form.
    'https://oidc.eks.*.amazonaws.com/id/*',
    'https://*.idp.example.co.uk/x',
    'https://*.acme.github.io/x',
    // githubusercontent.com is a private suffix; actions.githubusercontent.com is GitHub's own.
    'https://*.actions.githubusercontent.com/x',
    'https://ci.*.example.com/*',
  ])('accepts %s: the registrable domain is literal', (pattern) => {
    expect(checkWildcardUrl(pattern, false)).toBeUndefined();
  });

  // Security review M3: `**` and `*-*-*` compiled to regexes that backtrack (quadratic, cubic) on
  // the unverified `iss` of any token, before its signature is checked.
  it.each([
    [
      'https://**.example.com/x',
      'has adjacent wildcards "**"; each \'*\' must be a whole host label or path segment',
    ],
    [
      'https://a.example.com/**',
      'has adjacent wildcards "**"; each \'*\' must be a whole host label or path segment',
    ],
    [
      'https://ci-*-*-*.example.com',
      "has '*' inside the host label \"ci-*-*-*\"; each '*' must be a whole host label or path segment",
    ],
    [
      'https://*0*.example.com/x',
      "has '*' inside the host label \"*0*\"; each '*' must be a whole host label or path segment",
    ],
    [
      'https://a.example.com/id-*',
      "has '*' inside the path segment \"id-*\"; each '*' must be a whole host label or path segment",
    ],
    [
      'https://a.example.com/*_*/x',
      "has '*' inside the path segment \"*_*\"; each '*' must be a whole host label or path segment",
    ],
  ])('refuses %s: %s', (pattern, problem) => {
    expect(checkWildcardUrl(pattern, false)).toBe(problem);
  });
});

describe(checkSameDomain.name, () => {
  it('accepts equal hosts and hosts sharing their last two labels (Fulcio validateAllowedDomain)', () => {
    expect(checkSameDomain('example.com', 'accounts.example.com')).toBeUndefined();
    expect(checkSameDomain('users.example.com', 'accounts.example.com')).toBeUndefined();
    expect(checkSameDomain('127.0.0.1', '127.0.0.1')).toBeUndefined();
  });
  it('rejects other domains and single-label hosts', () => {
    expect(checkSameDomain('example.org', 'accounts.example.com')).toBe(
      "hostname example.org is not in the issuer's domain (example.com)",
    );
    expect(checkSameDomain('localhost', 'idp.example.com')).toBe(
      "hostname localhost must equal the issuer's host idp.example.com",
    );
  });
});
