import {
  checkIssuerUrl,
  checkSameDomain,
  checkWildcardUrl,
  isLoopbackHost,
  wildcardToRegExp,
} from './issuer-url';

describe(wildcardToRegExp.name, () => {
  const eks = wildcardToRegExp('https://oidc.eks.*.amazonaws.com/id/*');

  it('matches one label or path segment per * (Fulcio MetaRegex)', () => {
    expect(
      eks.test('https://oidc.eks.us-west-2.amazonaws.com/id/B02C93B6A2D30341AD01E1B6D48164CB'),
    ).toBe(true);
    expect(eks.test('https://oidc.eks.eu_central-1.amazonaws.com/id/abc_DEF-123')).toBe(true);
  });

  it("never lets * cross a '.' or '/'", () => {
    expect(eks.test('https://oidc.eks.evil.com.amazonaws.com/id/x')).toBe(false);
    expect(eks.test('https://oidc.eks.us-west-2.amazonaws.com/id/a/b')).toBe(false);
    expect(eks.test('https://oidc.eks.us-west-2.amazonaws.com/id/a.b')).toBe(false);
    expect(eks.test('https://oidc.eks.us-west-2.amazonaws.com/id/')).toBe(false);
  });

  it('is anchored at both ends (GHSA-59jp-pj84-45mr)', () => {
    expect(eks.test('http://localhost:3000?https://oidc.eks.a.amazonaws.com/id/x')).toBe(false);
    expect(eks.test('https://oidc.eks.a.amazonaws.com/id/x/../../evil')).toBe(false);
    expect(eks.test('https://oidc.eks.a.amazonaws.com/id/x?q=1')).toBe(false);
    expect(eks.test('xhttps://oidc.eks.a.amazonaws.com/id/x')).toBe(false);
  });

  it('treats regex metacharacters in the pattern literally', () => {
    const re = wildcardToRegExp('https://a.example.com/t(1)+/*');
    expect(re.test('https://a.example.com/t(1)+/x')).toBe(true);
    expect(re.test('https://aXexample.com/t(1)+/x')).toBe(false);
    expect(re.test('https://a.example.com/t11/x')).toBe(false);
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
