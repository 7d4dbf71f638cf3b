import { parseCertificate } from '@app/signing';
import { testPki } from '@app/signing/x509/testing';
import { createTestDatabase, type TestDatabase } from '@app/testing/database';
import { recordingContext } from '../cli/testing';
import { CliError } from '../cli/exit-codes';
import { run } from '../main';

/** `signet ca list` and `signet ca distrust` on the instance's database (M7). */
describe('signet ca list | distrust', () => {
  let db: TestDatabase;
  let fingerprints: string[];

  beforeAll(async () => {
    db = await createTestDatabase();
    const pki = await testPki();
    fingerprints = [];
    for (const [der, root] of [
      [pki.intermediate, false],
      [pki.root, true],
    ] as const) {
      const c = parseCertificate(der);
      const [row] = await db.query<{ fingerprint: string }>(
        `INSERT INTO ca_certificate (fingerprint, der, is_root, not_before, not_after)
         VALUES (encode(sha256($1), 'hex'), $1, $2, $3, $4) RETURNING fingerprint`,
        [Buffer.from(der), root, c.notBefore, c.notAfter],
      );
      fingerprints.push(row!.fingerprint);
    }
  });
  afterAll(() => db.drop());

  async function signet(args: string[]) {
    const ctx = recordingContext({ DATABASE_URL: db.url });
    try {
      return { code: await run(args, ctx), out: ctx.out.join('\n'), err: ctx.err.join('\n') };
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      return { code: err.exitCode, out: ctx.out.join('\n'), err: err.message };
    }
  }
  const distrusts = () => db.query('SELECT fingerprint, reason FROM ca_certificate_distrust');

  it('lists the recorded CA certificates, all trusted at first', async () => {
    const listed = await signet(['ca', 'list', '--json']);
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.out) as Array<{
      sha256: string;
      root: boolean;
      distrusted?: unknown;
    }>;
    expect(rows.map((r) => [r.sha256, r.root, r.distrusted])).toEqual([
      [fingerprints[0], false, undefined],
      [fingerprints[1], true, undefined],
    ]);
  });

  it('refuses bad usage and unknown certificates, writing nothing', async () => {
    expect(await signet(['ca', 'distrust', 'xyz', '--reason', 'r'])).toMatchObject({
      code: 64,
      err: 'signet ca distrust takes one SHA256: 64 hexadecimal characters',
    });
    expect(await signet(['ca', 'distrust', fingerprints[0]!])).toMatchObject({
      code: 64,
      err: '--reason TEXT is required',
    });
    expect(await signet(['ca', 'distrust', 'ab'.repeat(32), '--reason', 'r'])).toMatchObject({
      code: 2,
      err: `no CA certificate with SHA-256 ${'ab'.repeat(32)} was recorded (see signet ca list)`,
    });
    expect(await distrusts()).toEqual([]);
  });

  it('distrusts one, once, and lists it as distrusted', async () => {
    const fp = fingerprints[0]!;
    expect(
      await signet(['ca', 'distrust', fp.toUpperCase(), '--reason', 'development CA']),
    ).toMatchObject({
      code: 0,
      err: `distrusted ${fp}: the log refuses chains through it from now on`,
    });
    expect(await signet(['ca', 'distrust', fp, '--reason', 'again'])).toMatchObject({
      code: 0,
      err: `${fp} was already distrusted`,
    });
    expect(await distrusts()).toEqual([{ fingerprint: fp, reason: 'development CA' }]);
    const listed = await signet(['ca', 'list']);
    expect(listed.out.split('\n')[0]).toMatch(
      new RegExp(`^${fp}  DISTRUSTED \\(development CA\\)  intermediate  until `),
    );
  });
});
