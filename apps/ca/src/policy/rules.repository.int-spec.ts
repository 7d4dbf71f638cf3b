import type { DataSource } from 'typeorm';
import { parse as parseYaml } from 'yaml';
import { schemaDrift } from '@app/platform';
import type { TestDatabase } from '@app/testing/database';
import { parseRules, type RuleSpec } from './rules.config';
import { RulesRepository } from './rules.repository';
import { iamRuleTableSql, openRulesDatabase } from './testing';

const spec = (name: string, extra: Partial<RuleSpec> = {}): RuleSpec => ({
  name,
  issuer: 'http://127.0.0.1:8089',
  subject: `${name}@example.com`,
  claims: {},
  certificateLifetimeSeconds: null,
  allowedKeyAlgorithms: null,
  ...extra,
});

const release = spec('release-pipeline', {
  issuer: 'https://token.actions.githubusercontent.com',
  subject: 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/*',
  claims: { repository_owner: 'acme', event_name: 'push' },
  certificateLifetimeSeconds: 300,
  allowedKeyAlgorithms: ['ecdsa-p256', 'ecdsa-p384'],
});
const alice = spec('alice');
const bob = spec('bob');

interface Row {
  id: string;
  name: string;
  active: boolean;
  position: number;
  updated_at: Date;
}

describe(RulesRepository.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let repo: RulesRepository;
  const rows = () =>
    db.query<Row>('SELECT id, name, active, position, updated_at FROM iam_rule ORDER BY name');
  const idsByName = async () => Object.fromEntries((await rows()).map((r) => [r.name, r.id]));
  const activeNames = async () => (await repo.activeRules()).map((r) => r.name);

  beforeEach(async () => {
    ({ db, dataSource } = await openRulesDatabase());
    repo = new RulesRepository(dataSource);
  });
  afterEach(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('is created by the SQL in rule.entity.ts with no drift from the entity', async () => {
    expect(iamRuleTableSql()).toHaveLength(2);
    expect(await schemaDrift(dataSource)).toEqual([]);
  });

  it('stores rules and reads the active ones back in configured order', async () => {
    expect(await repo.syncRules([release, alice])).toEqual({
      added: ['release-pipeline', 'alice'],
      updated: [],
      unchanged: [],
      deactivated: [],
    });
    const ids = await idsByName();
    expect(await repo.activeRules()).toEqual([
      { ...release, id: ids['release-pipeline'], position: 0 },
      { ...alice, id: ids.alice, position: 1 },
    ]);
    expect(ids.alice).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('keeps ids on resync and does not touch unchanged rows', async () => {
    await repo.syncRules([release, alice]);
    const before = await rows();
    expect(await repo.syncRules([release, alice])).toEqual({
      added: [],
      updated: [],
      unchanged: ['release-pipeline', 'alice'],
      deactivated: [],
    });
    expect(await rows()).toEqual(before);
  });

  it('updates a changed rule in place, keeping its id', async () => {
    await repo.syncRules([release, alice]);
    const ids = await idsByName();
    const changed = { ...alice, subject: 'alice@corp.example', allowedKeyAlgorithms: ['ed25519'] };
    expect(await repo.syncRules([release, changed as RuleSpec])).toMatchObject({
      updated: ['alice'],
      unchanged: ['release-pipeline'],
    });
    expect(await idsByName()).toEqual(ids);
    expect((await repo.activeRules())[1]).toEqual({ ...changed, id: ids.alice, position: 1 });
  });

  // Security review L9: a rule changed from `email_verified: "true"` to `email_verified: true`
  // matches different tokens, so it is a change, and the stored row keeps the JSON type.
  it('stores claim values with their type, and counts a change of type as an update', async () => {
    const read = (value: string) =>
      parseRules(
        parseYaml(`[{ name: alice, issuer: ${alice.issuer}, subject: ${alice.subject},
                      claims: { email_verified: ${value}, run_attempt: 1 } }]`),
        3600,
      );
    expect((await repo.syncRules(read('"true"'))).added).toEqual(['alice']);
    const id = (await idsByName()).alice;
    expect(await repo.syncRules(read('true'))).toMatchObject({ updated: ['alice'], unchanged: [] });
    expect(await repo.syncRules(read('true'))).toMatchObject({ updated: [], unchanged: ['alice'] });
    expect((await repo.activeRules())[0]).toMatchObject({
      id,
      claims: { email_verified: true, run_attempt: 1 },
    });
    const [stored] = await db.query<{ types: Record<string, string> }>(
      `SELECT jsonb_object_agg(key, jsonb_typeof(value)) AS types
       FROM iam_rule, jsonb_each(claims) WHERE name = 'alice'`,
    );
    expect(stored?.types).toEqual({ email_verified: 'boolean', run_attempt: 'number' });
  });

  it('follows a reordering of the file', async () => {
    await repo.syncRules([release, alice, bob]);
    const ids = await idsByName();
    expect(await repo.syncRules([bob, release, alice])).toMatchObject({
      updated: ['bob', 'release-pipeline', 'alice'],
    });
    expect(await activeNames()).toEqual(['bob', 'release-pipeline', 'alice']);
    expect(await idsByName()).toEqual(ids);
  });

  it('deactivates a removed rule without deleting it, and reactivates it with the same id', async () => {
    await repo.syncRules([release, alice, bob]);
    const ids = await idsByName();
    expect(await repo.syncRules([release, bob])).toMatchObject({
      unchanged: ['release-pipeline'],
      updated: ['bob'], // moved from position 2 to 1
      deactivated: ['alice'],
    });
    expect(await activeNames()).toEqual(['release-pipeline', 'bob']);
    expect((await rows()).map((r) => [r.name, r.active])).toEqual([
      ['alice', false],
      ['bob', true],
      ['release-pipeline', true],
    ]);
    expect(await repo.syncRules([release, bob, alice])).toMatchObject({
      updated: ['alice'],
      deactivated: [],
    });
    expect(await activeNames()).toEqual(['release-pipeline', 'bob', 'alice']);
    expect(await idsByName()).toEqual(ids);
  });

  it('deactivates everything when the file has no rules', async () => {
    await repo.syncRules([release, alice]);
    expect((await repo.syncRules([])).deactivated.sort()).toEqual(['alice', 'release-pipeline']);
    expect(await repo.activeRules()).toEqual([]);
    expect(await rows()).toHaveLength(2);
  });

  it('applies a sync in one transaction: a failure leaves the previous rules in force', async () => {
    await repo.syncRules([release, alice]);
    const before = await rows();
    // 2^40 seconds does not fit the integer column: the third statement fails.
    const tooLong = spec('carol', { certificateLifetimeSeconds: 2 ** 40 });
    await expect(repo.syncRules([bob, alice, tooLong])).rejects.toThrow(/out of range/);
    expect(await rows()).toEqual(before);
  });

  it('serialises concurrent syncs, so the result is exactly one of the files', async () => {
    await repo.syncRules([alice]);
    const other = new RulesRepository(dataSource);
    await Promise.all([repo.syncRules([release, bob]), other.syncRules([bob, alice])]);
    expect([
      ['release-pipeline', 'bob'],
      ['bob', 'alice'],
    ]).toContainEqual(await activeNames());
    expect((await rows()).map((r) => r.name)).toEqual(['alice', 'bob', 'release-pipeline']);
  });
});
