import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConfigError, type SignetConfig } from '@app/platform';
import type { TestDatabase } from '@app/testing/database';
import type { PolicyLimits, PolicyRequest } from './evaluate';
import { parseCaFileSettings } from '../config/ca.config';
import { PolicyError } from './policy.error';
import { PolicyService } from './policy.service';
import { RulesRepository } from './rules.repository';
import { openRulesDatabase } from './testing';

const LIMITS: PolicyLimits = { defaultLifetimeSeconds: 600, maxLifetimeSeconds: 3600 };
const LOCAL = 'http://127.0.0.1:8089';
const GITHUB = 'https://token.actions.githubusercontent.com';
const WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml';

const config = (rules: unknown) =>
  ({ file: { rules }, ca: { maxCertificateLifetimeSeconds: 3600 } }) as unknown as SignetConfig;
/** The rules as the CA module hands them over, parsed before Nest starts. */
const parsed = (rules: unknown) => ({ rules: parseCaFileSettings(config(rules)).rules });

const RULES = [
  {
    name: 'release-pipeline',
    issuer: GITHUB,
    subject: `${WORKFLOW}@refs/tags/*`,
    claims: { repository_owner: 'acme', event_name: 'push' },
    certificateLifetime: '5m',
    allowedKeyAlgorithms: ['ecdsa-p256', 'ecdsa-p384'],
  },
  { name: 'alice', issuer: LOCAL, subject: 'alice@example.com' },
];

const aliceRequest: PolicyRequest = {
  issuer: LOCAL,
  subject: 'alice@example.com',
  claims: { sub: 'alice', email: 'alice@example.com' },
  keyAlgorithm: 'ed25519',
};

function policyError(decide: () => unknown): PolicyError {
  try {
    decide();
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return err as PolicyError;
  }
  throw new Error('expected a PolicyError');
}

describe(PolicyService.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let repo: RulesRepository;

  const boot = async (rules: unknown, limits = LIMITS) => {
    const service = new PolicyService(repo, parsed(rules), limits);
    await service.onModuleInit();
    return service;
  };

  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  beforeEach(async () => {
    ({ db, dataSource } = await openRulesDatabase());
    repo = new RulesRepository(dataSource);
  });
  afterEach(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('allows a configured identity, naming the stored rule and the lifetime', async () => {
    const service = await boot(RULES);
    const [row] = await db.query<{ id: string }>("SELECT id FROM iam_rule WHERE name = 'alice'");
    expect(service.authorize(aliceRequest)).toEqual({
      ruleId: row?.id,
      ruleName: 'alice',
      lifetimeSeconds: 600,
    });
    expect(
      service.authorize({
        issuer: GITHUB,
        subject: `${WORKFLOW}@refs/tags/v2.0.0`,
        claims: { repository_owner: 'acme', event_name: 'push' },
        keyAlgorithm: 'ecdsa-p384',
      }),
    ).toMatchObject({ ruleName: 'release-pipeline', lifetimeSeconds: 300 });
  });

  it('throws DENIED with the exact message for an unknown identity', async () => {
    const service = await boot(RULES);
    const err = policyError(() =>
      service.authorize({ ...aliceRequest, subject: 'mallory@example.com' }),
    );
    expect(err.code).toBe('DENIED');
    expect(err.message).toBe(
      'no rule allows identity "mallory@example.com" from issuer "http://127.0.0.1:8089"',
    );
  });

  it('throws KEY_ALGORITHM_NOT_ALLOWED naming the algorithm', async () => {
    const service = await boot(RULES);
    const err = policyError(() =>
      service.authorize({
        issuer: GITHUB,
        subject: `${WORKFLOW}@refs/tags/v2.0.0`,
        claims: { repository_owner: 'acme', event_name: 'push' },
        keyAlgorithm: 'rsa-2048',
      }),
    );
    expect(err.code).toBe('KEY_ALGORITHM_NOT_ALLOWED');
    expect(err.message).toMatch(/^key algorithm "rsa-2048" is not allowed for identity /);
  });

  it('denies everything when no rules are configured', async () => {
    const service = await boot(undefined);
    expect(policyError(() => service.authorize(aliceRequest)).code).toBe('DENIED');
  });

  it('decides by its own configuration: rows written to iam_rule by anyone else allow nothing (M5)', async () => {
    const service = await boot(RULES);
    // What a bug or a stolen login could write: an allow-all rule, and the alice rule deactivated.
    await db.query(
      `INSERT INTO iam_rule (id, name, position, issuer, subject, claims, active)
       VALUES (gen_random_uuid(), 'zz-any', -1, '/.*/', '/.*/', '{}', true)`,
    );
    await db.query("UPDATE iam_rule SET active = false WHERE name = 'alice'");
    expect(
      policyError(() => service.authorize({ ...aliceRequest, subject: 'mallory@example.com' }))
        .code,
    ).toBe('DENIED');
    expect(service.authorize(aliceRequest)).toMatchObject({ ruleName: 'alice' });
    // Another replica's sync records its own file; this process still decides by its own.
    await boot(RULES.slice(0, 1));
    expect(service.authorize(aliceRequest)).toMatchObject({ ruleName: 'alice' });
  });

  it('refuses a bad rules section before the service is built, so nothing is synced', async () => {
    const build = () =>
      new PolicyService(repo, parsed([{ ...RULES[1], certificateLifetime: '2h' }]), LIMITS);
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(
      'SIGNET_CONFIG: rules[0].certificateLifetime: 2h exceeds the instance maximum of 1h',
    );
    expect(await db.query('SELECT * FROM iam_rule')).toEqual([]);
  });
});
