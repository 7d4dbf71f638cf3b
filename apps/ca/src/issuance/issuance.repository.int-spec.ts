import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/platform';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import { caEntities, IssuanceRecord } from '@app/schema';
import { IssuanceRepository, type NewIssuance } from './issuance.repository';

const record: NewIssuance = {
  serial: '4f2a9c0d6e1b3a5c7d9e0f1a2b3c4d5e6f708192',
  identity: 'dev@example.com',
  sanType: 'email',
  issuer: 'https://accounts.example.com',
  subject: 'user-1234',
  ruleId: '0b6c4c8e-8f57-4b53-9d0c-3a2f1e5d7c91',
  ruleName: 'developers',
  keyFingerprint: 'ab'.repeat(32),
  keyAlgorithm: 'ecdsa-p256',
  notBefore: new Date('2026-03-01T12:00:00Z'),
  notAfter: new Date('2026-03-01T12:10:00Z'),
  clientAddress: '127.0.0.1',
  policyVersion: null,
  ctLeafHash: Buffer.alloc(32, 7),
};

describe(IssuanceRepository.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource(
      dataSourceOptions({
        url: db.url,
        applicationName: 'signet-test-issuance',
        entities: caEntities,
        migrations: [],
      }),
    ).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('writes every column of the entity, and Postgres stamps issued_at', async () => {
    const before = new Date(Date.now() - 1000);
    await new IssuanceRepository(dataSource).insert(record);
    await new IssuanceRepository(dataSource).insert({
      ...record,
      serial: '01',
      clientAddress: null,
    });
    const rows = await dataSource.getRepository(IssuanceRecord).find({ order: { serial: 'ASC' } });
    expect(rows).toEqual([
      { ...record, serial: '01', clientAddress: null, issuedAt: expect.any(Date) as Date },
      { ...record, issuedAt: expect.any(Date) as Date },
    ]);
    expect(rows[0]!.issuedAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
  });

  it('refuses a serial number issued before', async () => {
    await expect(new IssuanceRepository(dataSource).insert(record)).rejects.toThrow(
      /duplicate key value violates unique constraint/,
    );
  });
});
