import {
  ADMIN_AUDIT_COLUMNS,
  type AdminAuditDbRow,
  apiTokenProblem,
  apiTokenSha256,
  auditRowFromDb,
  firstBrokenAuditRow,
} from '@app/schema';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import { recordingContext } from '../cli/testing';
import { run } from '../main';

/** `signet admin token create`: the break-glass first token, written on the server. */
describe('signet admin token create', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('writes the token hash and its audit row, and prints the token once', async () => {
    const ctx = recordingContext({ DATABASE_URL: db.url });
    const argv = ['admin', 'token', 'create', '--role', 'owner', '--name', 'bootstrap'];
    await expect(run([...argv, '--expires', '1h'], ctx)).resolves.toBe(0);
    const token = ctx.out[0]!;
    expect(ctx.out).toHaveLength(1);
    expect(apiTokenProblem(token)).toBeUndefined();
    const [row] = await db.query<Record<string, unknown>>(
      'SELECT id, name, role, created_by_issuer, expires_at - created_at AS lifetime FROM admin_api_token WHERE token_sha256 = $1',
      [apiTokenSha256(token)],
    );
    expect(row).toMatchObject({
      name: 'bootstrap',
      role: 'owner',
      created_by_issuer: 'urn:signet:cli',
    });
    const audit = (
      await db.query<AdminAuditDbRow>(
        `SELECT ${ADMIN_AUDIT_COLUMNS} FROM admin_audit_event ORDER BY id`,
      )
    ).map(auditRowFromDb);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'token.create',
      actorKind: 'system',
      target: row!.id,
    });
    expect(firstBrokenAuditRow(audit)).toBeUndefined();
    expect(
      JSON.stringify(audit, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
    ).not.toContain(token.slice(7));
  });

  it.each([
    [
      ['--role', 'admin', '--name', 'x', '--expires', '1h'],
      '--role must be viewer, editor or owner',
    ],
    [
      ['--role', 'owner', '--expires', '1h'],
      '--name is required: 1 to 100 letters, digits, spaces or ._:/@-',
    ],
    [
      ['--role', 'owner', '--name', 'x'],
      '--expires is required: a duration such as 1h or 7d, at most 90d',
    ],
    [
      ['--role', 'owner', '--name', 'x', '--expires', '91d'],
      '--expires is required: a duration such as 1h or 7d, at most 90d',
    ],
  ])('refuses %j as bad usage, writing nothing', async (args, message) => {
    const before = await db.query('SELECT id FROM admin_api_token');
    await expect(
      run(['admin', 'token', 'create', ...args], recordingContext({ DATABASE_URL: db.url })),
    ).rejects.toMatchObject({ exitCode: 64, message });
    expect(await db.query('SELECT id FROM admin_api_token')).toEqual(before);
  });
});
