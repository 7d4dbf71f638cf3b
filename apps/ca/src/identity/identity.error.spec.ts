import { IdentityError, quote } from './identity.error';

describe(IdentityError.name, () => {
  it('carries a code, a message, a cause and its own name', () => {
    const cause = new Error('socket hang up');
    const error = new IdentityError('ISSUER_UNAVAILABLE', 'could not fetch x', { cause });
    expect(error).toBeInstanceOf(Error);
    expect({ name: error.name, code: error.code, message: error.message }).toEqual({
      name: 'IdentityError',
      code: 'ISSUER_UNAVAILABLE',
      message: 'could not fetch x',
    });
    expect(error.cause).toBe(cause);
  });
});

describe(quote.name, () => {
  it('quotes strings, escaping control characters, and renders other values as JSON', () => {
    expect(quote('a\nb"c')).toBe('"a\\nb\\"c"');
    expect(quote(['a', 'b'])).toBe('["a","b"]');
    expect(quote(false)).toBe('false');
    expect(quote(undefined)).toBe('undefined');
  });

  it('cuts long values to 200 characters', () => {
    expect(quote('x'.repeat(500))).toBe(`"${'x'.repeat(200)}…"`);
  });
});
