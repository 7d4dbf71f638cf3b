/* The built `signet` command against a running log and CA: tokens from GitHub Actions and the
   workflow OIDs at verify, attestations (DSSE), and reading and checking the log. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { githubClaims } from './support/ca-fixtures';
import { ALICE, useCliStack } from './support/cli-stack';

const WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.3';

describe('signet attest and log, and CI tokens (built CLI) against the stack', () => {
  const cli = useCliStack();
  const { signet, identityFlags, file, aliceToken } = cli;

  it('signs in "GitHub Actions" and checks the workflow OIDs at verify', async () => {
    const claims = githubClaims();
    const token = await cli.stack.fx.github.mint(claims);
    const seen: string[] = [];
    const actions: Server = createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ value: token }));
    });
    await new Promise<void>((r) => actions.listen(0, '127.0.0.1', r));
    const port = (actions.address() as AddressInfo).port;
    try {
      const signed = await signet(['sign', cli.artifact, '--bundle', join(cli.dir, 'gha.json')], {
        ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-secret',
      });
      expect(signed.code).toBe(0);
      expect(seen).toEqual(['/token?api-version=2.0&audience=sigstore bearer runner-secret']);
    } finally {
      actions.close();
    }
    const verify = (extra: string[]) =>
      signet([
        'verify',
        cli.artifact,
        '--bundle',
        join(cli.dir, 'gha.json'),
        '--certificate-identity',
        WORKFLOW,
        '--certificate-oidc-issuer',
        cli.stack.fx.github.url,
        ...extra,
      ]);
    const ok = await verify([
      '--certificate-github-workflow-repository',
      'acme/app',
      '--certificate-github-workflow-ref',
      'refs/tags/v1.2.3',
      '--certificate-github-workflow-sha',
      claims.sha as string,
      '--certificate-github-workflow-trigger',
      'push',
      '--certificate-github-workflow-name',
      'release',
    ]);
    expect(ok.stderr).toContain('Verified OK');
    expect(ok.code).toBe(0);
    const wrongRepo = await verify(['--certificate-github-workflow-repository', 'acme/other']);
    expect(wrongRepo.code).toBe(1);
    expect(wrongRepo.stderr).toContain(
      '--certificate-github-workflow-repository: the certificate does not match "acme/other" (it has "acme/app")',
    );
  });

  it('attests (in-toto statement in a DSSE bundle) and verifies the subject digest', async () => {
    const predicate = file('provenance.json', JSON.stringify({ buildType: 'test' }));
    const run = await signet(
      ['attest', cli.artifact, '--predicate', predicate, '--type', 'slsaprovenance', '--json'],
      { SIGSTORE_ID_TOKEN: await aliceToken() },
    );
    expect(run.code).toBe(0);
    const bundlePath = `${cli.artifact}.intoto.sigstore.json`;
    expect(JSON.parse(run.stdout)).toMatchObject({
      bundle: bundlePath,
      predicateType: 'https://slsa.dev/provenance/v1',
    });
    const json = JSON.parse(readFileSync(bundlePath, 'utf8'));
    const statement = JSON.parse(Buffer.from(json.dsseEnvelope.payload, 'base64').toString());
    expect(statement).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [
        { name: 'app.tar.gz', digest: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } },
      ],
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: { buildType: 'test' },
    });
    expect(json.verificationMaterial.tlogEntries[0].kindVersion.kind).toBe('dsse');

    const verified = await signet([
      'verify',
      cli.artifact,
      '--bundle',
      bundlePath,
      ...identityFlags(),
      '--json',
    ]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout).statement).toEqual({
      predicateType: 'https://slsa.dev/provenance/v1',
      subjects: [{ name: 'app.tar.gz', digest: { sha256: statement.subject[0].digest.sha256 } }],
    });
    const other = file('other.tar.gz', 'not the subject');
    const mismatch = await signet([
      'verify',
      other,
      '--bundle',
      bundlePath,
      ...identityFlags(),
      '--json',
    ]);
    expect(mismatch.code).toBe(1);
    expect(JSON.parse(mismatch.stdout)).toMatchObject({ code: 'SUBJECT_DIGEST_MISMATCH' });

    const badType = await signet([
      'attest',
      cli.artifact,
      '--predicate',
      predicate,
      '--type',
      'nope',
    ]);
    expect(badType.code).toBe(64);
  });

  it('reads and checks the log: info, get, search, proof', async () => {
    const signed = await signet(
      ['sign', cli.artifact, '--bundle', join(cli.dir, 'alice.json'), '--json'],
      {
        SIGSTORE_ID_TOKEN: await aliceToken(),
      },
    );
    const logIndex = JSON.parse(signed.stdout).tlogEntries[0].logIndex as string;
    const info = await signet(['log', 'info', '--json']);
    expect(info.code).toBe(0);
    const tree = JSON.parse(info.stdout) as {
      treeSize: number;
      rootHash: string;
      signedTreeHead: string;
    };
    expect(tree).toMatchObject({ checkpointVerified: true, treeSize: expect.any(Number) });
    expect(tree.treeSize).toBeGreaterThanOrEqual(3);
    const human = await signet(['log', 'info']);
    expect(human.stdout).toContain(`tree size:    ${tree.treeSize}`);
    expect(human.stdout).toContain('checkpoint:   signature verified with the trusted root');

    const byIndex = await signet(['log', 'get', '--log-index', logIndex, '--json']);
    expect(byIndex.code).toBe(0);
    const entry = JSON.parse(byIndex.stdout);
    expect(entry).toMatchObject({
      logIndex: Number(logIndex),
      decodedBody: { kind: 'hashedrekord' },
      inclusion: expect.stringContaining('verified in the signed checkpoint'),
    });
    const byUuid = await signet(['log', 'get', '--uuid', entry.uuid]);
    expect(byUuid.code).toBe(0);
    expect(byUuid.stdout).toContain(`uuid:             ${entry.uuid}`);
    const missing = await signet(['log', 'get', '--uuid', 'ff'.repeat(40)]);
    expect(missing.code).toBe(2);

    const search = await signet(['log', 'search', '--artifact', cli.artifact, '--json']);
    expect(search.code).toBe(0);
    expect(JSON.parse(search.stdout).uuids).toContain(entry.uuid);
    const byEmail = await signet(['log', 'search', '--email', ALICE]);
    expect(byEmail.stdout.trim().split('\n')).toContain(entry.uuid);

    const proof = await signet([
      'log',
      'proof',
      '--first-size',
      '1',
      '--last-size',
      String(tree.treeSize),
      '--json',
    ]);
    expect(proof.code).toBe(0);
    expect(JSON.parse(proof.stdout)).toMatchObject({
      verified: true,
      firstSize: '1',
      lastSize: String(tree.treeSize),
      lastRootHash: tree.rootHash,
    });
    const middle = await signet(['log', 'proof', '--first-size', '2', '--last-size', '3']);
    expect(middle.code).toBe(0);
    expect(middle.stdout).toContain('consistent');

    const checkpoint = file('checkpoint.txt', tree.signedTreeHead);
    await signet(['sign', cli.artifact, '--bundle', join(cli.dir, 'later.json')], {
      SIGSTORE_ID_TOKEN: await aliceToken(),
    });
    const monitor = await signet(['log', 'proof', '--first-checkpoint', checkpoint, '--json']);
    expect(monitor.code).toBe(0);
    expect(JSON.parse(monitor.stdout)).toMatchObject({
      firstSize: String(tree.treeSize),
      firstRootHash: tree.rootHash,
      lastSize: String(tree.treeSize + 1),
    });
    const forged = file(
      'forged.txt',
      tree.signedTreeHead.replace(/\n(\d+)\n/, (_m: string, n: string) => `\n${Number(n) + 1}\n`),
    );
    const rejected = await signet(['log', 'proof', '--first-checkpoint', forged]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain("does not verify with the trusted root's log keys");
    const beyond = await signet(['log', 'proof', '--first-size', '1', '--last-size', '100000']);
    expect(beyond.code).toBe(2);
  });
});
