/* `signet log monitor` (built CLI) against a stack whose CA logs its policy versions: certificates
   of a watched identity are alerted from both logs (stdout and a loopback webhook), unwatched ones
   are not, a resumed monitor never alerts an entry twice, a policy version not expected is
   alerted, and a tree rolled back behind the log's back by the database owner (triggers
   disabled) is an inconsistency, exit 1; the Rekor v2 log is followed the same way, its entries
   matched by digest and by key. */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompactRange } from '@app/merkle';
import { ALICE, usePolicyLoggingCliStack } from './support/cli-stack';
import { postHashedRekordV2 } from './support/log-fixtures';

interface Event {
  kind: string;
  log: string;
  index?: string;
  watch?: string;
  identity?: string;
  status?: string;
  message?: string;
}
const eventsOf = (stdout: string): Event[] =>
  stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Event);

/** A loopback webhook receiver keeping the bodies it was sent. */
async function webhookReceiver(): Promise<{ url: string; bodies: string[]; server: Server }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, server };
}

describe('signet log monitor (built CLI) against the stack', () => {
  // A bare key the log accepts, for Rekor v2 entries.
  const writer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const writerDer = writer.publicKey.export({ type: 'spki', format: 'der' });
  const { cli, policyKeyFile: policyPub } = usePolicyLoggingCliStack([
    writer.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  ]);
  const watchAlice = (issuer: string) => [
    '--certificate-identity',
    ALICE,
    '--certificate-oidc-issuer',
    issuer,
  ];
  const monitor = (state: string, ...args: string[]) =>
    cli.signet(['log', 'monitor', '--once', '--state', state, ...args]);
  const sign = async () => {
    const signed = await cli.signAsAlice();
    expect(signed.code).toBe(0);
  };

  it('alerts a certificate of a watched identity in the CT and artifact logs, on stdout and the webhook, once', async () => {
    const hook = await webhookReceiver();
    try {
      const args = ['--webhook', hook.url, ...watchAlice(cli.stack.fx.email.url)];
      const first = await monitor('watched.json', ...args);
      expect(first.stderr).toMatch(/artifact: checkpoint \d+ verified; 0 alert/);
      expect(first).toMatchObject({ code: 0, stdout: '' });

      await sign();
      const second = await monitor('watched.json', ...args);
      expect(second.code).toBe(1);
      const events = eventsOf(second.stdout);
      expect(events).toEqual([
        expect.objectContaining({
          kind: 'match',
          log: 'artifact',
          entryKind: 'hashedrekord',
          watch: 'identity',
          identity: ALICE,
          issuer: cli.stack.fx.email.url,
        }),
        expect.objectContaining({
          kind: 'match',
          log: 'ct',
          entryKind: 'precert',
          watch: 'identity',
          identity: ALICE,
        }),
      ]);
      expect(hook.bodies.map((b) => JSON.parse(b) as Event)).toEqual(events);
      expect(second.stderr).toMatch(/ct: checkpoint \d+ verified, consistent with \d+; 1 alert/);

      const resumed = await monitor('watched.json', ...args);
      expect(resumed).toMatchObject({ code: 0, stdout: '' });
    } finally {
      hook.server.close();
    }
  });

  it('does not alert an identity nobody watches, nor one from another issuer', async () => {
    // From the start: every certificate and entry so far, the one of alice above included.
    cli.file(
      'others.yaml',
      [
        'logs: [artifact, ct]',
        'identities:',
        '  - subject: bob@example.com',
        `  - { subject: ${ALICE}, issuer: https://other.example.com }`,
        `fingerprints: ['${'0'.repeat(64)}']`,
      ].join('\n'),
    );
    const others = await monitor('others.json', '--from-start', '--config', 'others.yaml');
    expect(others).toMatchObject({ code: 0, stdout: '' });
    const all = await monitor(
      'all.json',
      '--from-start',
      '--log',
      'ct',
      '--certificate-identity-regexp',
      'alice@.*',
    );
    expect(all.code).toBe(1);
    expect(eventsOf(all.stdout)).toEqual([
      expect.objectContaining({ kind: 'match', log: 'ct', index: '0', identity: ALICE }),
    ]);
  });

  it('alerts a policy version that is not expected, and none that is', async () => {
    const token = await minted('editor');
    const exported = await cli.signet(['admin', 'rules', 'export', '--out', 'policy.yaml'], {
      SIGNET_ADMIN_TOKEN: token,
    });
    expect(exported.code).toBe(0);
    const yaml = readFileSync(join(cli.dir, 'policy.yaml'), 'utf8');
    cli.file('policy.yaml', yaml.replace('release.yml@refs/tags/*', 'release.yml@refs/tags/v*'));
    const imported = await cli.signet(
      ['admin', 'rules', 'import', 'policy.yaml', '--reason', 'tags v* only'],
      { SIGNET_ADMIN_TOKEN: token },
    );
    expect(imported.code).toBe(0);
    const digests = (
      await cli.stack.db.query<{ digest: string }>(
        "SELECT encode(digest, 'hex') AS digest FROM policy_version ORDER BY version",
      )
    ).map((r) => r.digest);
    expect(digests).toHaveLength(2);

    // Only version 1 expected: version 2's statement is alerted.
    const policyArgs = ['--from-start', '--log', 'artifact', '--policy-key', policyPub];
    const run = await monitor('policy.json', ...policyArgs, '--expect-policy', digests[0]!);
    expect(run.code).toBe(1);
    expect(eventsOf(run.stdout)).toEqual([
      expect.objectContaining({
        kind: 'policy',
        log: 'artifact',
        status: 'unexpected',
        entryKind: 'dsse',
        message: expect.stringContaining('a policy change not in the expected list'),
      }),
    ]);
    // Both versions expected, in order: the whole log holds no surprise.
    cli.file('expected.txt', `# versions 1 and 2\n${digests.join('\n')}\n`);
    const expected = await monitor(
      'policy-all.json',
      ...policyArgs,
      '--expect-policy-file',
      'expected.txt',
    );
    expect(expected).toMatchObject({ code: 0, stdout: '' });
  });

  it('follows the Rekor v2 log: an entry for a watched digest is alerted, and every entry by a watched key', async () => {
    const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();
    const logV2 = async (artifact: Buffer) => {
      const res = await postHashedRekordV2(
        cli.stack.logV2Url,
        artifact,
        writer.privateKey,
        writerDer,
      );
      expect(res.status).toBe(201);
    };
    await logV2(Buffer.from('an earlier v2 artifact'));
    expect(await monitor('v2.json', '--log', 'rekor-v2')).toMatchObject({ code: 0, stdout: '' });

    const watched = Buffer.from('a watched v2 artifact');
    await logV2(watched);
    await logV2(Buffer.from('another v2 artifact'));
    const digest = sha256(watched).toString('hex');
    const run = await monitor('v2.json', '--log', 'rekor-v2', '--digest', `sha256:${digest}`);
    expect(run.code).toBe(1);
    expect(eventsOf(run.stdout)).toEqual([
      expect.objectContaining({ kind: 'match', log: 'rekor-v2', index: '1', watch: 'digest' }),
    ]);
    expect(run.stderr).toMatch(/rekor-v2: checkpoint 3 verified, consistent with 1; 1 alert/);

    const fingerprint = sha256(writerDer).toString('hex');
    const byKey = await monitor(
      'v2-key.json',
      '--from-start',
      '--log',
      'rekor-v2',
      '--fingerprint',
      fingerprint,
    );
    expect(byKey.code).toBe(1);
    expect(eventsOf(byKey.stdout).map((e) => [e.log, e.index, e.watch])).toEqual([
      ['rekor-v2', '0', 'fingerprint'],
      ['rekor-v2', '1', 'fingerprint'],
      ['rekor-v2', '2', 'fingerprint'],
    ]);
  });

  it('exits 1 naming the inconsistency when the tree was rolled back behind the log (triggers disabled)', async () => {
    expect((await monitor('fork.json', '--log', 'artifact')).code).toBe(0);
    const saved = JSON.parse(readFileSync(join(cli.dir, 'fork.json'), 'utf8')) as {
      logs: Record<string, { treeSize: string }>;
    };
    const savedSize = Object.values(saved.logs)[0]!.treeSize;
    await rollBackArtifactTree();
    await sign();
    await sign();
    const run = await monitor('fork.json', '--log', 'artifact');
    expect(run.code).toBe(1);
    expect(eventsOf(run.stdout)).toEqual([
      expect.objectContaining({
        kind: 'inconsistency',
        log: 'artifact',
        savedSize,
        message: expect.stringMatching(
          new RegExp(`^not consistent from size ${savedSize} to \\d+: `),
        ),
      }),
    ]);
    expect(run.stderr).toContain('artifact: INCONSISTENT');
    const kept = JSON.parse(readFileSync(join(cli.dir, 'fork.json'), 'utf8')) as typeof saved;
    expect(kept).toEqual(saved);
  });

  async function minted(role: string): Promise<string> {
    const run = await cli.signet(
      ['admin', 'token', 'create', '--role', role, '--name', `monitor-${role}`, '--expires', '1h'],
      { DATABASE_URL: cli.stack.db.url },
    );
    expect(run.code).toBe(0);
    return /sgn_at_\S+/.exec(run.stdout)![0];
  }

  /** As the database owner could: drop the newest batch of the artifact tree and its checkpoint. */
  async function rollBackArtifactTree(): Promise<void> {
    const { db } = cli.stack;
    const tables = ['log_entry', 'search_index', 'hash_tile', 'tree_state', 'checkpoint'];
    const [tree] = await db.query<{ id: string }>(
      `SELECT id FROM log_tree WHERE purpose = 'artifact' AND active`,
    );
    const [previous] = await db.query<{ size: string }>(
      'SELECT tree_size AS size FROM checkpoint WHERE tree_id = $1 ORDER BY tree_size DESC OFFSET 1 LIMIT 1',
      [tree!.id],
    );
    const { id } = tree!;
    const { size } = previous!;
    const leaves = await db.query<{ leaf_hash: Buffer }>(
      'SELECT leaf_hash FROM log_entry WHERE tree_id = $1 AND leaf_index < $2 ORDER BY leaf_index',
      [id, size],
    );
    expect(BigInt(size)).toBeLessThan(256n); // one partial level-0 tile to cut
    const range = CompactRange.empty();
    for (const l of leaves) range.append(l.leaf_hash);
    for (const t of tables) await db.query(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
    try {
      await db.query('DELETE FROM search_index WHERE tree_id = $1 AND leaf_index >= $2', [
        id,
        size,
      ]);
      await db.query('DELETE FROM log_entry WHERE tree_id = $1 AND leaf_index >= $2', [id, size]);
      await db.query(
        'UPDATE hash_tile SET hashes = substring(hashes from 1 for $2) WHERE tree_id = $1 AND tile_level = 0 AND tile_index = 0',
        [id, Number(size) * 32],
      );
      await db.query('DELETE FROM checkpoint WHERE tree_id = $1 AND tree_size > $2', [id, size]);
      await db.query(
        'UPDATE tree_state SET size = $2, root_hash = $3, right_edge = $4 WHERE tree_id = $1',
        [
          id,
          size,
          Buffer.from(range.root()),
          Buffer.concat(range.hashes.map((h) => Buffer.from(h))),
        ],
      );
    } finally {
      for (const t of tables) await db.query(`ALTER TABLE ${t} ENABLE TRIGGER USER`);
    }
  }
});
