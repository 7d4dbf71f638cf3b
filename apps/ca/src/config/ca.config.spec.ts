import { join } from 'node:path';
import { ConfigError, type SignetConfig } from '@app/platform';
import { parseCaFileSettings } from './ca.config';

const config = (file: Record<string, unknown>, configFile?: string) =>
  ({
    file,
    configFile,
    ca: { maxCertificateLifetimeSeconds: 3600 },
    admin: { oidcClientSecret: undefined, sessionSecret: undefined },
  }) as unknown as SignetConfig;

const ISSUER = {
  url: 'https://token.actions.githubusercontent.com',
  audience: 'sigstore',
  type: 'github-workflow',
};

describe(parseCaFileSettings.name, () => {
  it('parses issuers, rules and retired chains (resolved beside the config file)', () => {
    const settings = parseCaFileSettings(
      config(
        {
          issuers: [ISSUER],
          rules: [{ name: 'r', issuer: ISSUER.url, subject: 'x' }],
          ca: { retiredChains: ['old/chain.pem'] },
        },
        '/etc/signet/signet.yaml',
      ),
    );
    expect(settings.issuers).toEqual([expect.objectContaining({ url: ISSUER.url })]);
    expect(settings.rules).toEqual([expect.objectContaining({ name: 'r', subject: 'x' })]);
    expect(settings.retiredChainFiles).toEqual([join('/etc/signet', 'old/chain.pem')]);
  });

  it('reads an absent file as no issuers, no rules (default deny), no retired chains, no admins', () => {
    expect(parseCaFileSettings(config({}))).toEqual({
      issuers: [],
      rules: [],
      retiredChainFiles: [],
      admin: {
        oidc: undefined,
        roleBindings: [],
        session: { idleTimeoutSeconds: 1800, absoluteTimeoutSeconds: 43_200, signInsPerMinute: 30 },
        tokens: { maxLifetimeSeconds: 7_776_000 },
      },
    });
  });

  it('reports every problem of every section in one error, each naming its field', () => {
    let error: unknown;
    try {
      parseCaFileSettings(
        config({
          issuers: [{ url: 'http://idp.example', audience: 'sigstore', type: 'email' }],
          rules: [{ name: 'r', issuer: ISSUER.url, subject: 'x', certificateLifetime: '2h' }],
          ca: { retiredChains: 'chain.pem' },
          admin: {
            oidc: { issuer: 'https://idp.example.com', clientId: 'signet-admin' },
          },
        }),
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^SIGNET_CONFIG: issuers\[0\]\.url: /),
      'SIGNET_CONFIG: rules[0].certificateLifetime: 2h exceeds the instance maximum of 1h',
      'SIGNET_CONFIG: ca.retiredChains must be a list of PEM file paths',
      'ADMIN_OIDC_CLIENT_SECRET: required with admin.oidc (the client is confidential)',
    ]);
  });
});
