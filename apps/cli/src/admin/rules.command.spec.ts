import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirs } from '@app/testing/temp-dir';
import { recordingContext } from '../cli/testing';
import { adminRules, policyYaml, readPolicyYaml } from './rules.command';

const CA = 'http://127.0.0.1:5555';
const policy = {
  version: 4,
  digest: 'ab'.repeat(32),
  source: 'database',
  issuers: [{ type: 'email', url: 'https://idp.example.com', audience: 'sigstore' }],
  rules: [
    {
      subject: 'alice@example.com',
      id: 'r1',
      issuer: 'https://idp.example.com',
      name: 'alice',
      claims: { b: 1, a: 'x' },
    },
  ],
};

/** A CA answering GET /api/admin/v1/policy and PUT with `putStatus`; records the requests. */
function fakeCa(putStatus = 200) {
  const requests: Array<{
    method: string;
    url: string;
    headers: Record<string, string>;
    body?: string;
  }> = [];
  const fetchImpl = ((url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    requests.push({
      method,
      url,
      headers: init.headers as Record<string, string>,
      body: init.body as string,
    });
    if (method === 'GET') {
      return Promise.resolve(
        new Response(JSON.stringify(policy), { status: 200, headers: { etag: '"v4"' } }),
      );
    }
    const answer =
      putStatus === 200
        ? { ...policy, version: 5, digest: 'cd'.repeat(32) }
        : {
            message:
              putStatus === 412
                ? 'the policy is at version 5'
                : 'rules[0].subject: must not be empty',
          };
    return Promise.resolve(new Response(JSON.stringify(answer), { status: putStatus }));
  }) as typeof fetch;
  return { requests, fetchImpl };
}

describe(adminRules.name, () => {
  const tempDir = tempDirs();

  it('exports the policy without rule ids, keys in a fixed order', async () => {
    const ca = fakeCa();
    const ctx = recordingContext(
      { SIGNET_ADMIN_TOKEN: 'sgn_at_x', SIGNET_CA_URL: CA },
      ca.fetchImpl,
    );
    await expect(adminRules(['export'], ctx)).resolves.toBe(0);
    expect(ctx.out.join('\n')).toBe(
      [
        `# Signet policy version 4 (${policy.digest})`,
        'issuers:',
        '  - url: https://idp.example.com',
        '    type: email',
        '    audience: sigstore',
        'rules:',
        '  - name: alice',
        '    issuer: https://idp.example.com',
        '    subject: alice@example.com',
        '    claims:',
        '      a: x',
        '      b: 1',
      ].join('\n'),
    );
    expect(ca.requests[0]).toMatchObject({
      url: `${CA}/api/admin/v1/policy`,
      headers: { authorization: 'Bearer sgn_at_x' },
    });
  });

  it('imports a file as one change against the version just read (If-Match), with the reason', async () => {
    const ca = fakeCa();
    const file = join(tempDir('rules'), 'policy.yaml');
    writeFileSync(file, policyYaml(policy));
    const ctx = recordingContext(
      { SIGNET_ADMIN_TOKEN: 'sgn_at_x', SIGNET_CA_URL: CA },
      ca.fetchImpl,
    );
    await expect(adminRules(['import', file, '--reason', 'review 12'], ctx)).resolves.toBe(0);
    const put = ca.requests[1]!;
    expect(put).toMatchObject({ method: 'PUT', headers: { 'if-match': '"v4"' } });
    expect(JSON.parse(put.body!)).toEqual({
      issuers: policy.issuers,
      rules: [
        {
          name: 'alice',
          issuer: 'https://idp.example.com',
          subject: 'alice@example.com',
          claims: { a: 'x', b: 1 },
        },
      ],
      reason: 'review 12',
    });
    expect(ctx.out).toEqual([`policy version 5 (${'cd'.repeat(32)}), replacing version 4`]);
  });

  it('says to re-run on 412, and passes on the field the server names (exit 2)', async () => {
    const file = join(tempDir('rules'), 'policy.yaml');
    writeFileSync(file, policyYaml(policy));
    const env = { SIGNET_ADMIN_TOKEN: 'sgn_at_x', SIGNET_CA_URL: CA };
    await expect(
      adminRules(['import', file, '--reason', 'r'], recordingContext(env, fakeCa(412).fetchImpl)),
    ).rejects.toMatchObject({
      exitCode: 2,
      message:
        'policy change: the policy changed after it was read (it was "v4"): the policy is at version 5; nothing was changed: re-run the import',
    });
    await expect(
      adminRules(['import', file, '--reason', 'r'], recordingContext(env, fakeCa(400).fetchImpl)),
    ).rejects.toMatchObject({
      exitCode: 2,
      message: `policy change: ${CA}/api/admin/v1/policy answered 400: rules[0].subject: must not be empty`,
    });
  });

  it('refuses an import without a reason or a token, and files that are not a policy', async () => {
    const ctx = recordingContext({ SIGNET_CA_URL: CA });
    await expect(adminRules(['import', 'f.yaml'], ctx)).rejects.toMatchObject({ exitCode: 64 });
    await expect(adminRules(['export'], ctx)).rejects.toMatchObject({
      exitCode: 64,
      message: 'an admin API token is needed: set SIGNET_ADMIN_TOKEN or pass --token-file FILE',
    });
    expect(() => readPolicyYaml('rules: []\nlog: {}\n', 'p.yaml')).toThrow(
      'p.yaml: log: unknown key (expected issuers and rules)',
    );
    expect(() => readPolicyYaml('issuers: []\nrules: {}\n', 'p.yaml')).toThrow(
      'p.yaml: rules must be a list',
    );
  });
});
