// Test helpers for the policy's database code (not exported from the index).
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, type SignetConfig } from '@app/platform';
import { generateKeyPair, KeyObjectSigner } from '@app/signing';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import { caEntities, IamRule } from '@app/schema';
import type { CaFileSettings } from '../config/ca.config';
import { LogTrees } from '../trust/log-trees';
import { LogTreesRepository } from '../trust/log-trees.repository';
import type { PolicyLimits } from './evaluate';
import type { PolicySource } from './policy-document';
import { PolicyLog } from './policy-log';
import { PolicyService } from './policy.service';
import { PolicyVersionsRepository } from './policy-versions.repository';
import { RulesRepository } from './rules.repository';

/** The statements of the `-- migration:` block at the top of rule.entity.ts. */
export function iamRuleTableSql(): string[] {
  const source = readFileSync(
    join(__dirname, '../../../../libs/schema/src/ca/rule.entity.ts'),
    'utf8',
  );
  const block = /^-- migration:.*\n([\s\S]*?)^-- end migration/m.exec(source);
  if (block === null) throw new Error('rule.entity.ts has no -- migration: block');
  return block[1]!
    .split(/;\s*\n/)
    .map((s) => s.trim().replace(/;$/, ''))
    .filter((s) => s !== '');
}

/**
 * A fresh test database holding `iam_rule`: from the migrations once they create it, until then
 * from the entity file's migration block. Returns a DataSource with the entity registered.
 */
export async function openRulesDatabase(): Promise<{ db: TestDatabase; dataSource: DataSource }> {
  const db = await createTestDatabase();
  const [found] = await db.query<{ table: string | null }>(
    "SELECT to_regclass('iam_rule')::text AS table",
  );
  if (found?.table === null) {
    for (const statement of iamRuleTableSql()) await db.query(statement);
  }
  const dataSource = await new DataSource(
    dataSourceOptions({
      url: db.url,
      applicationName: 'signet-test-policy',
      entities: [IamRule],
      migrations: [],
    }),
  ).initialize();
  return { db, dataSource };
}

/** A fresh test database with every migration applied, and a DataSource on it. */
export async function openPolicyDatabase(): Promise<{ db: TestDatabase; dataSource: DataSource }> {
  const db = await createTestDatabase();
  const dataSource = await new DataSource(
    dataSourceOptions({
      url: db.url,
      applicationName: 'signet-test-policy',
      entities: caEntities,
      migrations: [],
    }),
  ).initialize();
  return { db, dataSource };
}

/** The policy key of the tests: one per test process, like a deployment's one CA_POLICY_KEY. */
const testPolicyKey = new KeyObjectSigner(generateKeyPair('ecdsa-p256-sha256').privateKey);

/**
 * A PolicyService wired as the CA module wires it, on `dataSource`; the policy is logged only
 * when `logUrl` is given (at that URL).
 */
export function policyServiceFor(
  dataSource: DataSource,
  settings: Pick<CaFileSettings, 'rules' | 'issuers'>,
  options: {
    limits: PolicyLimits;
    source: PolicySource;
    logUrl?: string;
    /** The policy key (default: the tests' one) and the retired keys it still accepts. */
    key?: KeyObjectSigner;
    retired?: KeyObject[];
  },
): PolicyService {
  const config = {
    ca: { logUrl: options.logUrl ?? 'http://127.0.0.1:9', policyLog: options.logUrl !== undefined },
  } as SignetConfig;
  const log = new PolicyLog(
    options.key ?? testPolicyKey,
    options.retired ?? [],
    new LogTrees(new LogTreesRepository(dataSource), undefined),
    config,
  );
  return new PolicyService(
    new RulesRepository(dataSource),
    new PolicyVersionsRepository(dataSource),
    log,
    settings,
    options.limits,
    options.source,
  );
}
