import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';

type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'TRUNCATE';

/** What each app's role may do to each table: anything not listed is refused. */
const EXPECTED: Record<'signet_ca' | 'signet_log', Record<string, Privilege[]>> = {
  signet_log: {
    log_tree: ['SELECT', 'INSERT'],
    tree_state: ['SELECT', 'INSERT', 'UPDATE'],
    hash_tile: ['SELECT', 'INSERT', 'UPDATE'],
    checkpoint: ['SELECT', 'INSERT'],
    log_entry: ['SELECT', 'INSERT'],
    search_index: ['SELECT', 'INSERT'],
    ca_certificate: ['SELECT'],
    ca_certificate_distrust: ['SELECT'],
    migrations: ['SELECT'],
  },
  signet_ca: {
    issuance: ['SELECT', 'INSERT'],
    ca_certificate: ['SELECT', 'INSERT'],
    ca_certificate_distrust: ['SELECT', 'INSERT'],
    tuf_targets_version: ['SELECT', 'INSERT'],
    iam_rule: ['SELECT', 'INSERT', 'UPDATE'],
    rate_limit_window: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
    policy_version: ['SELECT', 'INSERT'],
    policy_head: ['SELECT', 'INSERT', 'UPDATE'],
    log_tree: ['SELECT'],
    migrations: ['SELECT'],
    admin_session: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
    // UPDATE only of last_used_* and revoked_* (column grants; CreateAdminAuth's int-spec).
    admin_api_token: ['SELECT', 'INSERT'],
    admin_audit_event: ['SELECT', 'INSERT'],
  },
};
const PRIVILEGES: Privilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'];

describe('GrantAppRoles: least privilege for the two apps (M5)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  /** Runs `sql` as a login role of `role` and returns the error message, or 'ok'. */
  async function as(role: 'signet_ca' | 'signet_log', sql: string): Promise<string> {
    const client = new Client({ connectionString: await db.appUrl(role) });
    await client.connect();
    try {
      await client.query(sql);
      return 'ok';
    } catch (err) {
      return (err as Error).message;
    } finally {
      await client.end();
    }
  }

  it('grants each role exactly its table privileges, on every table of the schema', async () => {
    const tables = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    for (const role of ['signet_ca', 'signet_log'] as const) {
      const held: Record<string, Privilege[]> = {};
      for (const { table_name: table } of tables) {
        const rows = await db.query<Record<Privilege, boolean>>(
          `SELECT ${PRIVILEGES.map((p) => `has_table_privilege($1, $2, '${p}') AS "${p}"`).join(', ')}`,
          [role, `public.${table}`],
        );
        const privileges = PRIVILEGES.filter((p) => rows[0]![p]);
        if (privileges.length > 0) held[table] = privileges;
      }
      expect({ role, held }).toEqual({ role, held: EXPECTED[role] });
    }
    // A table added without grants would show up above as missing from EXPECTED or from `held`.
    expect(tables.map((t) => t.table_name).sort()).toEqual(
      [...new Set(Object.values(EXPECTED).flatMap((t) => Object.keys(t)))].sort(),
    );
  });

  it('keeps the log role from rewriting history or switching the triggers off', async () => {
    expect(await as('signet_log', "UPDATE log_entry SET kind = 'x'")).toBe(
      'permission denied for table log_entry',
    );
    expect(await as('signet_log', 'DELETE FROM checkpoint')).toBe(
      'permission denied for table checkpoint',
    );
    expect(await as('signet_log', 'TRUNCATE search_index')).toBe(
      'permission denied for table search_index',
    );
    expect(await as('signet_log', 'ALTER TABLE log_entry DISABLE TRIGGER USER')).toBe(
      'must be owner of table log_entry',
    );
    expect(await as('signet_log', 'SET session_replication_role = replica')).toBe(
      'permission denied to set parameter "session_replication_role"',
    );
    expect(await as('signet_log', "UPDATE log_tree SET origin = 'evil'")).toBe(
      'permission denied for table log_tree',
    );
    expect(await as('signet_log', 'CREATE TABLE evil (x int)')).toBe(
      'permission denied for schema public',
    );
  });

  it("keeps the log role out of the CA's tables, and the CA role out of the log's", async () => {
    expect(
      await as(
        'signet_log',
        "INSERT INTO iam_rule VALUES (gen_random_uuid(), 'zz-any', -1, '/.*/', '/.*/', '{}', NULL, NULL, true, now(), now())",
      ),
    ).toBe('permission denied for table iam_rule');
    expect(
      await as(
        'signet_log',
        "INSERT INTO ca_certificate (fingerprint, der, is_root, not_before, not_after) VALUES ('x', '\\x00', true, now(), now())",
      ),
    ).toBe('permission denied for table ca_certificate');
    expect(
      await as(
        'signet_ca',
        "INSERT INTO log_tree (id, purpose, origin, active, public_key, log_id, index_offset) VALUES (4242, 'artifact', 'evil', false, '\\x00', '\\x00', 0)",
      ),
    ).toBe('permission denied for table log_tree');
    expect(await as('signet_ca', 'SELECT * FROM log_entry')).toBe(
      'permission denied for table log_entry',
    );
    expect(await as('signet_ca', "UPDATE issuance SET identity = 'x'")).toBe(
      'permission denied for table issuance',
    );
  });

  it('lets each role do what its app does', async () => {
    expect(await as('signet_log', 'SELECT der FROM ca_certificate')).toBe('ok');
    expect(await as('signet_log', 'UPDATE log_tree SET active = false WHERE id = 0')).toBe('ok');
    expect(await as('signet_ca', 'SELECT public_key FROM log_tree')).toBe('ok');
    expect(await as('signet_ca', 'UPDATE iam_rule SET active = false WHERE false')).toBe('ok');
  });
});
