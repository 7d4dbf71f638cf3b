import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, schemaDrift } from '@app/platform';
import {
  ADMIN_AUDIT_COLUMNS,
  type AdminAuditDbRow,
  type AdminAuditRow,
  appendAdminAuditEvent,
  auditRowFromDb,
  caEntities,
  firstBrokenAuditRow,
  insertApiToken,
  newApiToken,
} from '@app/schema';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import { migrations } from './index';

const event = (action: string): AdminAuditRow => ({
  at: new Date(),
  requestId: 'req-1',
  action,
  outcome: 'success',
  actorKind: 'session',
  actorIssuer: 'https://idp.example.com',
  actorSubject: 'alice',
  actorDisplay: 'alice@example.com',
  actorRole: 'owner',
  tokenId: null,
  target: null,
  httpStatus: 200,
  reason: null,
  policyVersionBefore: 41n,
  policyVersionAfter: 42n,
  details: { n: 1, nested: { b: [1, 'x'], a: null } },
  clientAddress: '127.0.0.1',
  userAgent: 'jest',
});

describe('CreateAdminAuth: admin sessions, API tokens and the audit chain', () => {
  let db: TestDatabase;
  let ca: Client;
  beforeAll(async () => {
    db = await createTestDatabase();
    ca = new Client({ connectionString: await db.appUrl('signet_ca') });
    await ca.connect();
  });
  afterAll(async () => {
    await ca.end();
    await db.drop();
  });

  /** Runs `sql` as the CA's role; 'ok' or the error message. */
  const asCa = async (sql: string, params: unknown[] = []) => {
    try {
      await ca.query(sql, params);
      return 'ok';
    } catch (err) {
      return (err as Error).message;
    }
  };

  it('agrees with the entities (no drift)', async () => {
    const ds = await new DataSource(
      dataSourceOptions({ url: db.url, applicationName: 'test', entities: caEntities, migrations }),
    ).initialize();
    try {
      expect(await schemaDrift(ds)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('lets the CA update only last_used_* and revoke a token once, never delete it', async () => {
    const id = randomUUID();
    const t = newApiToken();
    await insertApiToken(ca, {
      id,
      name: 'ci',
      role: 'editor',
      sha256: t.sha256,
      last4: t.last4,
      createdBy: { issuer: 'https://idp.example.com', subject: 'alice', display: 'alice' },
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    expect(
      await asCa(
        "UPDATE admin_api_token SET last_used_at = now(), last_used_ip = '10.0.0.1' WHERE id = $1",
        [id],
      ),
    ).toBe('ok');
    // The CA's role holds no UPDATE on the other columns; the owner is stopped by the trigger.
    expect(await asCa("UPDATE admin_api_token SET role = 'owner' WHERE id = $1", [id])).toBe(
      'permission denied for table admin_api_token',
    );
    await expect(
      db.query("UPDATE admin_api_token SET role = 'owner' WHERE id = $1", [id]),
    ).rejects.toThrow('an admin API token may change only its last_used_* and revoked_* columns');
    await expect(
      db.query("UPDATE admin_api_token SET expires_at = now() + interval '1 year' WHERE id = $1", [
        id,
      ]),
    ).rejects.toThrow('may change only');
    expect(
      await asCa(
        "UPDATE admin_api_token SET revoked_at = now(), revoked_by_issuer = 'i', revoked_by_subject = 's' WHERE id = $1",
        [id],
      ),
    ).toBe('ok');
    expect(await asCa('UPDATE admin_api_token SET revoked_at = NULL WHERE id = $1', [id])).toBe(
      'signet: a revoked admin API token stays revoked',
    );
    expect(await asCa('DELETE FROM admin_api_token')).toBe(
      'permission denied for table admin_api_token',
    );
    await expect(db.query('DELETE FROM admin_api_token')).rejects.toThrow(
      'DELETE on admin_api_token is not allowed',
    );
    await expect(db.query('TRUNCATE admin_api_token')).rejects.toThrow('TRUNCATE');
    const [row] = await db.query<{ role: string; revoked: boolean }>(
      'SELECT role, revoked_at IS NOT NULL AS revoked FROM admin_api_token WHERE id = $1',
      [id],
    );
    expect(row).toEqual({ role: 'editor', revoked: true });
  });

  it('keeps the audit trail append-only and hash-chained across writers', async () => {
    for (const action of ['session.login', 'token.create', 'policy.change']) {
      await ca.query('BEGIN');
      // TypeORM's query() answers the rows; pg's Client answers a result.
      await appendAdminAuditEvent(
        { query: async <T>(sql: string, p?: unknown[]) => (await ca.query(sql, p)).rows as T },
        event(action),
      );
      await ca.query('COMMIT');
    }
    const rows = (
      await db.query<AdminAuditDbRow>(
        `SELECT ${ADMIN_AUDIT_COLUMNS} FROM admin_audit_event ORDER BY id`,
      )
    ).map(auditRowFromDb);
    expect(rows.map((r) => r.action)).toEqual(['session.login', 'token.create', 'policy.change']);
    expect(rows[0]!.prevHash).toBeNull();
    expect(rows[1]!.prevHash).toEqual(rows[0]!.hash);
    expect(firstBrokenAuditRow(rows)).toBeUndefined();
    // A row edited behind the triggers' back (here: in memory) no longer re-hashes.
    expect(firstBrokenAuditRow([rows[0]!, { ...rows[1]!, actorRole: 'viewer' }, rows[2]!])).toBe(
      rows[1]!.id,
    );
    expect(firstBrokenAuditRow([rows[0]!, rows[2]!])).toBe(rows[2]!.id);

    expect(await asCa("UPDATE admin_audit_event SET action = 'x'")).toBe(
      'permission denied for table admin_audit_event',
    );
    expect(await asCa('DELETE FROM admin_audit_event')).toBe(
      'permission denied for table admin_audit_event',
    );
    await expect(db.query("UPDATE admin_audit_event SET action = 'x'")).rejects.toThrow(
      'UPDATE on admin_audit_event is not allowed',
    );
    await expect(db.query('DELETE FROM admin_audit_event')).rejects.toThrow(
      'DELETE on admin_audit_event is not allowed',
    );
    await expect(db.query('TRUNCATE admin_audit_event')).rejects.toThrow(
      'TRUNCATE on admin_audit_event is not allowed',
    );
    expect(await db.query('SELECT count(*)::int AS n FROM admin_audit_event')).toEqual([{ n: 3 }]);
  });

  it('lets the CA keep sessions (connect-pg-simple reads, writes and prunes them)', async () => {
    expect(
      await asCa(
        "INSERT INTO admin_session (sid, sess, expire) VALUES ('s1', '{}', now() + interval '1 hour')",
      ),
    ).toBe('ok');
    expect(await asCa("UPDATE admin_session SET sess = '{\"a\":1}' WHERE sid = 's1'")).toBe('ok');
    expect(await asCa('DELETE FROM admin_session WHERE expire < now()')).toBe('ok');
    expect(await asCa("DELETE FROM admin_session WHERE sid = 's1'")).toBe('ok');
  });
});
