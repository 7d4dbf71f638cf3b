/* `signet admin audit` (built CLI) against a stack whose CA logs every policy version, signed by a
   policy key the log accepts: the audit ties each certificate to the version that allowed it, and
   flags a history altered in the database behind the CA's back.
   The viewer token comes from `signet admin token create`, as an operator's first one would. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALICE, usePolicyLoggingCliStack } from './support/cli-stack';

interface AuditReport {
  verified: boolean;
  versions: Array<{ version: number; log: { logIndex: number } | null; problems: string[] }>;
  certificates: {
    checked: number;
    list: Array<{ serial: string; version?: number; rule?: string }>;
    problems: Array<{ serial: string | null; index: string; problem: string }>;
  };
  problems: Array<{ version: number | null; problem: string }>;
}

describe('signet admin audit (built CLI) against the stack', () => {
  const { cli, policyKeyFile } = usePolicyLoggingCliStack();
  let token: string;
  let editor: string;
  const audit = (...args: string[]) =>
    cli.signet(['admin', 'audit', '--policy-key', policyKeyFile, '--json', ...args], {
      SIGNET_ADMIN_TOKEN: token,
    });

  beforeAll(async () => {
    const minted = await cli.signet(
      ['admin', 'token', 'create', '--role', 'viewer', '--name', 'audit', '--expires', '1h'],
      { DATABASE_URL: cli.stack.db.url },
    );
    expect(minted.code).toBe(0);
    token = /sgn_at_\S+/.exec(minted.stdout)![0];
    const editorMinted = await cli.signet(
      ['admin', 'token', 'create', '--role', 'editor', '--name', 'import', '--expires', '1h'],
      { DATABASE_URL: cli.stack.db.url },
    );
    editor = /sgn_at_\S+/.exec(editorMinted.stdout)![0];
    for (let i = 0; i < 2; i++) {
      const signed = await cli.signAsAlice();
      expect(signed.code).toBe(0);
    }
  });

  it('ties each certificate of the CT log to the logged version and rule that allowed it', async () => {
    const run = await audit();
    expect(run.stderr).toContain('audit passed: 1 policy versions, 2 certificates');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report).toMatchObject({
      verified: true,
      versions: [{ version: 1, log: { logIndex: expect.any(Number) }, problems: [] }],
      certificates: { checked: 2, problems: [] },
      problems: [],
    });
    expect(report.certificates.list).toEqual([
      expect.objectContaining({ version: 1, rule: 'alice' }),
      expect.objectContaining({ version: 1, rule: 'alice' }),
    ]);
  });

  it('warns when the policy key is not pinned, and refuses to run without a token', async () => {
    const unpinned = await cli.signet(['admin', 'audit'], { SIGNET_ADMIN_TOKEN: token });
    expect(unpinned.code).toBe(0);
    expect(unpinned.stderr).toContain('warning: the policy key is the one the CA serves now');
    const anonymous = await cli.signet(['admin', 'audit']);
    expect(anonymous).toMatchObject({ code: 64 });
    expect(anonymous.stderr).toContain('an admin API token is needed');
  });

  it('follows the chain through a version imported from git, and each certificate to its own version', async () => {
    const exported = await cli.signet(['admin', 'rules', 'export', '--out', 'policy.yaml'], {
      SIGNET_ADMIN_TOKEN: token,
    });
    expect(exported.code).toBe(0);
    const yaml = readFileSync(join(cli.dir, 'policy.yaml'), 'utf8');
    expect(yaml).toMatch(/^# Signet policy version 1 /);
    // A reviewer narrows the release rule to tags v*, in git, and applies it.
    cli.file('policy.yaml', yaml.replace('release.yml@refs/tags/*', 'release.yml@refs/tags/v*'));
    const viewerImport = await cli.signet(
      ['admin', 'rules', 'import', 'policy.yaml', '--reason', 'tags v* only'],
      { SIGNET_ADMIN_TOKEN: token },
    );
    expect(viewerImport.code).not.toBe(0);
    expect(viewerImport.stderr).toContain('requires the editor role');
    const imported = await cli.signet(
      ['admin', 'rules', 'import', 'policy.yaml', '--reason', 'tags v* only'],
      { SIGNET_ADMIN_TOKEN: editor },
    );
    expect(imported.code).toBe(0);
    const signed = await cli.signAsAlice();
    expect(signed.code).toBe(0);

    const run = await audit();
    expect(run.stderr).toContain('audit passed: 2 policy versions, 3 certificates');
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(report.certificates.list.map((c) => c.version)).toEqual([1, 1, 2]);
  });

  it('flags a policy version altered in the database (triggers disabled by its owner)', async () => {
    const { db } = cli.stack;
    await db.query('ALTER TABLE policy_version DISABLE TRIGGER USER');
    try {
      // Widen the rule after the fact: every identity would then have been allowed.
      await db.query(
        `UPDATE policy_version SET snapshot = convert_to(replace(convert_from(snapshot, 'UTF8'), $1, $2), 'UTF8') WHERE version = 1`,
        [JSON.stringify(ALICE), JSON.stringify('*')],
      );
    } finally {
      await db.query('ALTER TABLE policy_version ENABLE TRIGGER USER');
    }
    const run = await audit();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('audit FAILED');
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(report.verified).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        {
          version: 1,
          problem: expect.stringMatching(
            /^its snapshot hashes to [0-9a-f]{64}, not to its digest [0-9a-f]{64}: it was altered$/,
          ),
        },
        {
          version: 1,
          problem: expect.stringMatching(
            /holds the payload [0-9a-f]{64}, not this version's statement/,
          ),
        },
      ]),
    );
  });
});
