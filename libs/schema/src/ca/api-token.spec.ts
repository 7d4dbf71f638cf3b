import { createHash } from 'node:crypto';
import {
  API_TOKEN_PREFIX,
  apiTokenProblem,
  apiTokenSha256,
  newApiToken,
  parseAdminDuration,
} from './api-token';

describe('admin API tokens', () => {
  it('are prefixed, 56 characters, distinct, and pass their own checksum', () => {
    const tokens = Array.from({ length: 200 }, () => newApiToken());
    for (const { token, sha256, last4 } of tokens) {
      expect(token).toMatch(/^sgn_at_[0-9A-Za-z]{49}$/);
      expect(apiTokenProblem(token)).toBeUndefined();
      expect(sha256).toEqual(createHash('sha256').update(token).digest());
      expect(apiTokenSha256(token)).toEqual(sha256);
      expect(last4).toBe(token.slice(-4));
    }
    expect(new Set(tokens.map((t) => t.token)).size).toBe(200);
  });

  it('refuses, without echoing it, a token of another kind, a malformed one, and one with a typo', () => {
    const { token } = newApiToken();
    expect(apiTokenProblem(`ghp_${token.slice(API_TOKEN_PREFIX.length)}`)).toBe(
      'not a Signet API token (no sgn_at_ prefix)',
    );
    expect(apiTokenProblem(token.slice(0, -1))).toBe('malformed Signet API token');
    expect(apiTokenProblem(`${token}!`)).toBe('malformed Signet API token');
    // One character of the secret changed: the CRC32 no longer matches.
    const at = API_TOKEN_PREFIX.length + 5;
    const typo = token.slice(0, at) + (token[at] === 'a' ? 'b' : 'a') + token.slice(at + 1);
    expect(apiTokenProblem(typo)).toBe(
      'Signet API token checksum mismatch (mistyped or truncated)',
    );
  });
});

describe(parseAdminDuration.name, () => {
  it.each([
    ['90d', 90 * 86_400],
    ['12h', 43_200],
    ['1h30m', 5400],
    ['45s', 45],
    ['1d12h', 129_600],
  ])('reads %s', (text, seconds) => expect(parseAdminDuration(text)).toBe(seconds));

  it.each(['', '1w', '-1h', '1.5h', 'h', '30m1h'])('refuses %j', (text) =>
    expect(parseAdminDuration(text)).toBeUndefined(),
  );
});
