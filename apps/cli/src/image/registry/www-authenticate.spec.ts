import { parseWwwAuthenticate } from './www-authenticate';

describe(parseWwwAuthenticate.name, () => {
  it('reads a Bearer challenge as Docker Hub sends it', () => {
    // Shape from distribution's token access controller (registry/auth/token/accesscontroller.go).
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/alpine:pull',
        },
      },
    ]);
  });

  it('reads the Basic challenge of the htpasswd controller', () => {
    expect(parseWwwAuthenticate('Basic realm="basic-realm"')).toEqual([
      { scheme: 'basic', params: { realm: 'basic-realm' } },
    ]);
  });

  it('keeps commas inside quoted values and unescapes quoted pairs', () => {
    expect(
      parseWwwAuthenticate('Bearer realm="https://r/t",scope="repository:a:pull,push",x="a\\"b"'),
    ).toEqual([
      {
        scheme: 'bearer',
        params: { realm: 'https://r/t', scope: 'repository:a:pull,push', x: 'a"b' },
      },
    ]);
  });

  it('splits several challenges and lowercases scheme and parameter names', () => {
    expect(parseWwwAuthenticate('Basic Realm=x, BEARER realm="y", service=z')).toEqual([
      { scheme: 'basic', params: { realm: 'x' } },
      { scheme: 'bearer', params: { realm: 'y', service: 'z' } },
    ]);
  });

  it('returns what it read before an unterminated quoted string', () => {
    expect(parseWwwAuthenticate('Basic realm="a", Bearer realm="b')).toEqual([
      { scheme: 'basic', params: { realm: 'a' } },
      { scheme: 'bearer', params: {} },
    ]);
    expect(parseWwwAuthenticate('')).toEqual([]);
  });
});
