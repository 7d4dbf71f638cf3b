import {
  Column,
  DataSource,
  Entity,
  type MigrationInterface,
  PrimaryColumn,
  type QueryRunner,
} from 'typeorm';
import type { Pool } from 'pg';
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

  // Found by the crash suite (test/crash-postgres.e2e-spec.ts): a connection that completed its
  // startup as Postgres died delivered ReadyForQuery and the backend's FATAL in one read, so the
  // FATAL reached the client between pg-pool's handing it out and TypeORM's attaching its error
  // listener: an 'error' event with no listener, which killed the log process.
  it('survives the server ending a connection that is handed out but not yet listened to', async () => {
    const ds = await open([]);
    try {
      const pool = (ds.driver as unknown as { master: Pool }).master;
      // The state of that window: checked out, no holder listening for errors yet.
      const client = await pool.connect();
      const [{ pid }] = (await client.query('SELECT pg_backend_pid() AS pid')).rows as [
        { pid: number },
      ];
      const ended = new Promise((resolve) => client.once('end', resolve));
      await db.query('SELECT pg_terminate_backend($1)', [pid]);
      await ended;
      client.release(new Error('terminated'));
      // The process lives on, and the pool serves new connections.
      await expect(ds.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
    } finally {
      await ds.destroy();
    }
  });
});
