import { ConfigError } from '@app/platform';
import { parseAdminSettings } from './admin.config';

const problems = (raw: unknown): readonly string[] => {
  try {
    parseAdminSettings(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe(parseAdminSettings.name, () => {
  it('defaults to no sign-in, nobody bound, 30m/12h sessions and 90-day tokens', () => {
    expect(parseAdminSettings(undefined)).toEqual({
      oidc: undefined,
      roleBindings: [],
      session: { idleTimeoutSeconds: 1800, absoluteTimeoutSeconds: 43_200, signInsPerMinute: 30 },
      tokens: { maxLifetimeSeconds: 7_776_000 },
    });
  });

  it('reads a full section', () => {
    expect(
      parseAdminSettings({
        oidc: { issuer: 'https://idp.example.com', clientId: 'signet-admin', scopes: ['groups'] },
        roleBindings: [{ claim: 'groups', equals: 'signet-admins', role: 'owner' }],
        session: { idleTimeout: '15m', absoluteTimeout: '8h' },
        tokens: { maxLifetime: '30d' },
      }),
    ).toEqual({
      oidc: {
        issuer: 'https://idp.example.com',
        clientId: 'signet-admin',
        allowHttp: false,
        scopes: ['openid', 'groups'],
      },
      roleBindings: [{ kind: 'claim', claim: 'groups', equals: 'signet-admins', role: 'owner' }],
      session: { idleTimeoutSeconds: 900, absoluteTimeoutSeconds: 28_800, signInsPerMinute: 30 },
      tokens: { maxLifetimeSeconds: 2_592_000 },
    });
  });

  it('names every bad field', () => {
    expect(
      problems({
        oidc: { issuer: 'http://idp.example.com', clientId: '' },
        roleBindings: [{ claim: 'groups', equals: 'x', role: 'admin' }, { subject: 'a' }],
        session: { idleTimeout: '30 minutes' },
        tokens: { maxLifetime: '0s' },
        extra: 1,
      }),
    ).toEqual([
      'SIGNET_CONFIG: admin.oidc.clientId: Too small: expected string to have >=1 characters',
      'SIGNET_CONFIG: admin.oidc.issuer: plain http is allowed only for loopback issuers with allowHttp: true',
      'SIGNET_CONFIG: admin.roleBindings[0]: must be {claim, equals, role} or {issuer, subject, role}',
      'SIGNET_CONFIG: admin.roleBindings[1]: must be {claim, equals, role} or {issuer, subject, role}',
      'SIGNET_CONFIG: admin.session.idleTimeout: must be a duration such as 30m, 12h or 90d',
      'SIGNET_CONFIG: admin.tokens.maxLifetime: must be a duration such as 30m, 12h or 90d',
      'SIGNET_CONFIG: admin: Unrecognized key: "extra"',
    ]);
  });

  it('refuses plain http to an IdP unless loopback with allowHttp', () => {
    expect(
      problems({ oidc: { issuer: 'http://idp.example.com', clientId: 'c', allowHttp: true } }),
    ).toEqual([
      'SIGNET_CONFIG: admin.oidc.issuer: plain http is allowed only for loopback issuers with allowHttp: true',
    ]);
    expect(
      problems({ oidc: { issuer: 'http://127.0.0.1:8080', clientId: 'c', allowHttp: true } }),
    ).toEqual([]);
  });
});
