// Test helpers for the policy's database code (not exported from the index).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/platform';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import { IamRule } from '@app/schema';

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
