import {
  Column,
  DataSource,
  Entity,
  type MigrationInterface,
  PrimaryColumn,
  type QueryRunner,
} from 'typeorm';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import { bigintTransformer } from './bigint.transformer';
import { dataSourceOptions, runMigrations, schemaDrift } from './data-source';

@Entity('sample')
class Sample {
  @PrimaryColumn({ type: 'bigint', transformer: bigintTransformer })
  id!: bigint;

  @Column({ type: 'text' })
  label!: string;
}

class CreateSample1700000000000 implements MigrationInterface {
  name = 'CreateSample1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE TABLE "sample" ("id" bigint NOT NULL, "label" text NOT NULL, CONSTRAINT "PK_sample" PRIMARY KEY ("id"))',
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "sample"');
  }
}

class AddSampleNote1700000000001 implements MigrationInterface {
  name = 'AddSampleNote1700000000001';
  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "sample" ADD "note" text');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "sample" DROP COLUMN "note"');
  }
}

describe('database (migrations, drift, bigint)', () => {
  let db: TestDatabase;
  const open = (migrations: Array<new () => MigrationInterface>) =>
    new DataSource(
      dataSourceOptions({ url: db.url, applicationName: 'test', entities: [Sample], migrations }),
    ).initialize();

  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  it('applies pending migrations once, even when several processes start together', async () => {
    const sources = await Promise.all([
      open([CreateSample1700000000000]),
      open([CreateSample1700000000000]),
    ]);
    const applied = await Promise.all(sources.map((ds) => runMigrations(ds)));
    expect(applied.flat()).toEqual(['CreateSample1700000000000']);
    expect(await runMigrations(sources[0])).toEqual([]);
    await Promise.all(sources.map((ds) => ds.destroy()));
  });

  it('round-trips bigint beyond 2^53 without loss', async () => {
    const ds = await open([CreateSample1700000000000]);
    await runMigrations(ds);
    const big = 2n ** 62n + 1n;
    await ds.getRepository(Sample).insert({ id: big, label: 'x' });
    const row = await ds.getRepository(Sample).findOneByOrFail({ id: big });
    expect(row.id).toBe(big);
    expect(typeof row.id).toBe('bigint');
    await ds.destroy();
  });

  it('reports no drift when entities and migrations agree, and the SQL when they do not', async () => {
    const ds = await open([CreateSample1700000000000]);
    await runMigrations(ds);
    expect(await schemaDrift(ds)).toEqual([]);
    await ds.destroy();

    const other = await createTestDatabase();
    const drifted = await new DataSource(
      dataSourceOptions({
        url: other.url,
        applicationName: 'test',
        entities: [Sample],
        migrations: [CreateSample1700000000000, AddSampleNote1700000000001],
      }),
    ).initialize();
    await runMigrations(drifted);
    expect(await schemaDrift(drifted)).toEqual(['ALTER TABLE "sample" DROP COLUMN "note"']);
    await drifted.destroy();
    await other.drop();
  });
});
