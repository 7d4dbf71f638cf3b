import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ConfigError, type SignetConfig } from '@app/platform';
import type { TestDatabase } from '@app/testing/database';
import type { PolicyLimits, PolicyRequest } from './evaluate';
import { parseCaFileSettings } from '../config/ca.config';
import { PolicyError } from './policy.error';
import { POLICY_POLL_MS, PolicyService } from './policy.service';
import { openPolicyDatabase, policyServiceFor } from './testing';
import type { KeyObject } from 'node:crypto';
import { generateKeyPair, KeyObjectSigner } from '@app/signing';

const LIMITS: PolicyLimits = { defaultLifetimeSeconds: 600, maxLifetimeSeconds: 3600 };
const LOCAL = 'http://127.0.0.1:8089';
const GITHUB = 'https://token.actions.githubusercontent.com';
const WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml';

const config = (rules: unknown) =>
  ({ file: { rules }, ca: { maxCertificateLifetimeSeconds: 3600 } }) as unknown as SignetConfig;
/** The rules as the CA module hands them over, parsed before Nest starts. */
const parsed = (rules: unknown) => ({
  rules: parseCaFileSettings(config(rules)).rules,
  issuers: [],
});

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

  const boot = async (
    rules: unknown,
    options: { source?: 'file' | 'database'; limits?: PolicyLimits; logUrl?: string } = {},
  ) => {
    const service = policyServiceFor(dataSource, parsed(rules), {
      limits: options.limits ?? LIMITS,
      source: options.source ?? 'file',
      logUrl: options.logUrl,
    });
    await service.onModuleInit();
    return service;
  };
  const versions = async () =>
    (
      await db.query<{ version: string }>('SELECT version FROM policy_version ORDER BY version')
    ).map((r) => Number(r.version));

  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  beforeEach(async () => {
    ({ db, dataSource } = await openPolicyDatabase());
  });
  afterEach(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('allows a configured identity, naming the stored rule, the lifetime and the policy version', async () => {
    const service = await boot(RULES);
    const [row] = await db.query<{ id: string }>("SELECT id FROM iam_rule WHERE name = 'alice'");
    const [version] = await db.query<{ digest: Buffer }>('SELECT digest FROM policy_version');
    expect(service.authorize(aliceRequest)).toEqual({
      ruleId: row?.id,
      ruleName: 'alice',
      lifetimeSeconds: 600,
      policyVersion: 1,
      policyDigest: version?.digest.toString('hex'),
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
    // Another replica's boot records its own file; this process still decides by its own.
    await boot(RULES.slice(0, 1));
    expect(service.authorize(aliceRequest)).toMatchObject({ ruleName: 'alice', policyVersion: 1 });
  });

  it('refuses a bad rules section before the service is built, so nothing is synced', async () => {
    const build = () => parsed([{ ...RULES[1], certificateLifetime: '2h' }]);
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(
      'SIGNET_CONFIG: rules[0].certificateLifetime: 2h exceeds the instance maximum of 1h',
    );
    expect(await db.query('SELECT * FROM iam_rule')).toEqual([]);
    expect(await versions()).toEqual([]);
  });

  describe('policy versions', () => {
    it('file mode: a boot with the same file keeps the version; a changed file makes the next, chained', async () => {
      await boot(RULES);
      await boot(RULES);
      expect(await versions()).toEqual([1]);
      const changed = await boot([RULES[1]]);
      expect(await versions()).toEqual([1, 2]);
      const rows = await db.query<{
        digest: Buffer;
        previous_digest: Buffer | null;
        snapshot: Buffer;
      }>('SELECT digest, previous_digest, snapshot FROM policy_version ORDER BY version');
      expect(rows[1]?.previous_digest).toEqual(rows[0]?.digest);
      const snapshot = JSON.parse(rows[1]!.snapshot.toString()) as {
        rules: Array<{ name: string; id: string }>;
        actor: object;
        reason: string;
      };
      expect(snapshot.rules.map((r) => r.name)).toEqual(['alice']);
      expect(snapshot.actor).toEqual({ kind: 'file' });
      expect(snapshot.reason).toBe('SIGNET_CONFIG at boot');
      expect(changed.current().version).toBe(2);
    });

    it('file mode: the admin API is read-only', async () => {
      const service = await boot(RULES);
      await expect(
        service.change({ actor: { kind: 'token' }, reason: 'x', ifMatch: 1, apply: (c) => c }),
      ).rejects.toMatchObject({ code: 'READ_ONLY' });
      expect(await versions()).toEqual([1]);
    });

    it('database mode: a change is a new version, in force here at once and in another process within a poll', async () => {
      const first = await boot(RULES, { source: 'database' });
      const second = await boot([], { source: 'database' });
      // The second process found version 1 and ignored its own (empty) file.
      expect(second.authorize(aliceRequest)).toMatchObject({ ruleName: 'alice', policyVersion: 1 });
      await first.change({
        actor: { kind: 'session', issuer: 'https://idp', subject: 'admin-1', display: 'Ada' },
        reason: 'alice leaves',
        ifMatch: 1,
        apply: (c) => ({ ...c, rules: c.rules.filter((r) => r.name !== 'alice') }),
      });
      expect(policyError(() => first.authorize(aliceRequest)).code).toBe('DENIED');
      await new Promise((r) => setTimeout(r, POLICY_POLL_MS * 3));
      expect(policyError(() => second.authorize(aliceRequest)).code).toBe('DENIED');
      expect(second.current().version).toBe(2);
      const [row] = await db.query<{ actor_display: string; reason: string }>(
        'SELECT actor_display, reason FROM policy_version WHERE version = 2',
      );
      expect(row).toEqual({ actor_display: 'Ada', reason: 'alice leaves' });
      first.onApplicationShutdown();
      second.onApplicationShutdown();
    });

    it('database mode: a stale If-Match is refused and nothing changes', async () => {
      const service = await boot(RULES, { source: 'database' });
      const change = { actor: { kind: 'token' as const }, reason: 'r', apply: (c: never) => c };
      await service.change({ ...change, ifMatch: 1, apply: (c) => ({ ...c, rules: [] }) });
      await expect(
        service.change({ ...change, ifMatch: 1, apply: (c) => ({ ...c, rules: [] }) }),
      ).rejects.toMatchObject({
        code: 'VERSION_MISMATCH',
        message:
          'If-Match names version 1, but the policy is at version 2: read it again and reapply the change',
      });
      expect(await versions()).toEqual([1, 2]);
      service.onApplicationShutdown();
    });

    it("database mode: a version whose signature is not the policy key's is never used", async () => {
      const service = await boot(RULES, { source: 'database' });
      // The schema's owner (or a stolen login) writes an allow-all version 2 and moves the head.
      const [v1] = await db.query<{ digest: Buffer; snapshot: Buffer }>(
        'SELECT digest, snapshot FROM policy_version WHERE version = 1',
      );
      const forged = JSON.parse(v1!.snapshot.toString()) as Record<string, unknown>;
      forged.version = 2;
      forged.previous = v1!.digest.toString('hex');
      forged.rules = [
        {
          id: '00000000-0000-4000-8000-000000000000',
          name: 'any',
          issuer: '/.*/',
          subject: '/.*/',
          claims: {},
        },
      ];
      const bytes = Buffer.from(JSON.stringify(forged));
      await db.query(
        `INSERT INTO policy_version (version, digest, previous_digest, snapshot, signature, actor_kind, reason, created_at)
         VALUES (2, sha256($1), $2, $1, '\\x00', 'file', 'forged', now())`,
        [bytes, v1!.digest],
      );
      await db.query('UPDATE policy_head SET version = 2');
      await service.refresh();
      expect(service.current().version).toBe(1);
      expect(
        policyError(() => service.authorize({ ...aliceRequest, subject: 'mallory@example.com' }))
          .code,
      ).toBe('DENIED');
      service.onApplicationShutdown();
    });

    it('a change the log cannot take fails with LOG_UNAVAILABLE and nothing changes', async () => {
      const service = await boot(RULES, { source: 'database' });
      const offline = policyServiceFor(dataSource, parsed(RULES), {
        limits: LIMITS,
        source: 'database',
        logUrl: 'http://127.0.0.1:9',
      });
      await offline.onModuleInit();
      const before = await db.query('SELECT * FROM iam_rule ORDER BY name');
      await expect(
        offline.change({
          actor: { kind: 'token' },
          reason: 'r',
          ifMatch: 1,
          apply: (c) => ({ ...c, rules: [] }),
        }),
      ).rejects.toMatchObject({
        code: 'LOG_UNAVAILABLE',
        message: 'the transparency log could not be reached; the policy change was not made',
      });
      expect(await versions()).toEqual([1]);
      expect(await db.query('SELECT * FROM iam_rule ORDER BY name')).toEqual(before);
      expect(offline.authorize(aliceRequest)).toMatchObject({ policyVersion: 1 });
      service.onApplicationShutdown();
      offline.onApplicationShutdown();
    });

    it('the database keeps the chain: versions cannot be changed, deleted, forked or rewound', async () => {
      const service = await boot(RULES, { source: 'database' });
      await service.change({
        actor: { kind: 'token' },
        reason: 'r',
        ifMatch: 1,
        apply: (c) => ({ ...c, rules: [] }),
      });
      await expect(db.query("UPDATE policy_version SET reason = 'x'")).rejects.toThrow();
      await expect(db.query('DELETE FROM policy_version WHERE version = 2')).rejects.toThrow();
      await expect(db.query('TRUNCATE policy_version CASCADE')).rejects.toThrow();
      await expect(db.query('UPDATE policy_head SET version = 1')).rejects.toThrow(
        'policy_head may only advance from version 2 to 3',
      );
      await expect(
        db.query(
          `INSERT INTO policy_version (version, digest, previous_digest, snapshot, signature, actor_kind, reason, created_at)
           VALUES (3, sha256('x'), sha256('not v2'), 'x', '\\x00', 'file', 'fork', now())`,
        ),
      ).rejects.toThrow('policy_version 3: previous_digest is not the digest of version 2');
      expect(await versions()).toEqual([1, 2]);
      service.onApplicationShutdown();
    });

    it('keeps versions signed by a retired policy key usable after a rotation (CA_POLICY_RETIRED_KEYS)', async () => {
      const oldKey = new KeyObjectSigner(generateKeyPair('ecdsa-p256-sha256').privateKey);
      const newKey = new KeyObjectSigner(generateKeyPair('ecdsa-p256-sha256').privateKey);
      const boot = async (key: KeyObjectSigner, retired: KeyObject[] = []) => {
        const service = policyServiceFor(dataSource, parsed(RULES), {
          limits: LIMITS,
          source: 'database',
          key,
          retired,
        });
        await service.onModuleInit();
        return service;
      };
      (await boot(oldKey)).onApplicationShutdown();
      // The new key alone cannot vouch for version 1: the CA refuses to start on it.
      await expect(boot(newKey)).rejects.toThrow(
        'policy version 1: its signature is by neither the policy key (CA_POLICY_KEY) nor a retired one (CA_POLICY_RETIRED_KEYS); it is not used',
      );
      const rotated = await boot(newKey, [oldKey.publicKey]);
      expect(rotated.authorize(aliceRequest)).toMatchObject({ policyVersion: 1 });
      // The next version is signed by the new key, which needs no retired key.
      await rotated.change({ actor: { kind: 'token' }, reason: 'r', ifMatch: 1, apply: (c) => c });
      rotated.onApplicationShutdown();
      const fresh = await boot(newKey);
      expect(fresh.current().version).toBe(2);
      fresh.onApplicationShutdown();
    });
  });
});
