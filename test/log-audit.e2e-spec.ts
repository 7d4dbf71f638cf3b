/* `signet log audit` (the built CLI) against a stack holding Rekor v1, Rekor v2 and CT entries:
   a clean audit of all three, a resumed one, and rows changed behind the database's back (its
   append-only triggers disabled by a superuser) reported at their index with the first
   checkpoint they break. Needs `npm run build`. */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useCliStack } from './support/cli-stack';
import { postHashedRekordV2 } from './support/log-fixtures';

const newKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();

interface Report {
  verified: boolean;
  logs: Array<{
    kind: string;
    origin: string;
    treeSize: string;
    rootHash: string;
    resumedFrom: string;
    checkpointsChecked: number;
    problemCount: number;
    problems: Array<{
      index: string | null;
      kind: string;
      detail: string;
      firstBrokenCheckpoint: { name: string; treeSize: string } | null;
    }>;
  }>;
}

describe('signet log audit (built CLI) against the stack', () => {
  const writer = newKey();
  const writerPem = writer.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const writerDer = writer.publicKey.export({ type: 'spki', format: 'der' });
  const cli = useCliStack([writerPem]);
  let trustedRoot: string;
  let state: string;
  let kept: string;
  let made = 0;

  /** Logs `n` v1 hashedrekords by the writer key, 8 at a time (so in several batches). */
  const logV1 = async (n: number): Promise<void> => {
    const post = async () => {
      const artifact = Buffer.from(`audited artifact ${made++}`);
      const res = await fetch(`${cli.stack.logUrl}/api/v1/log/entries`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          apiVersion: '0.0.1',
          kind: 'hashedrekord',
          spec: {
            data: { hash: { algorithm: 'sha256', value: sha256(artifact).toString('hex') } },
            signature: {
              content: sign('sha256', artifact, writer.privateKey).toString('base64'),
              publicKey: { content: Buffer.from(writerPem).toString('base64') },
            },
          },
        }),
      });
      expect(res.status).toBe(201);
    };
    for (let i = 0; i < n; i += 8) {
      await Promise.all(Array.from({ length: Math.min(8, n - i) }, post));
    }
  };
  const logV2 = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const artifact = Buffer.from(`audited v2 artifact ${i}`);
      const res = await postHashedRekordV2(
        cli.stack.logV2Url,
        artifact,
        writer.privateKey,
        writerDer,
      );
      expect(res.status).toBe(201);
    }
  };
  const audit = async (...args: string[]) => {
    const run = await cli.signet([
      'log',
      'audit',
      '--trusted-root',
      trustedRoot,
      '--json',
      ...args,
    ]);
    return { ...run, report: JSON.parse(run.stdout) as Report };
  };
  const logOf = (report: Report, kind: string) => report.logs.find((l) => l.kind === kind)!;

  beforeAll(async () => {
    // Two certificates (two CT entries, two v1 entries), then v1 and v2 entries by a bare key.
    for (let i = 0; i < 2; i++) {
      const signed = await cli.signet([
        'sign',
        cli.artifact,
        '--identity-token',
        await cli.aliceToken(),
      ]);
      expect(signed.code).toBe(0);
    }
    await logV1(298);
    await logV2(5);
    trustedRoot = cli.file(
      'trusted_root.json',
      await (await fetch(`${cli.stack.caUrl}/api/v1/trustedRoot`)).text(),
    );
    state = join(cli.dir, 'audit-state.json');
    kept = join(cli.dir, 'kept');
    mkdirSync(kept);
    writeFileSync(
      join(kept, 'v1-at-300.txt'),
      await (await fetch(`${cli.stack.logUrl}/api/v1/log/checkpoint`)).text(),
    );
  }, 60_000);

  it('recomputes the v1, v2 and CT trees and checks their checkpoints and get-sth (exit 0)', async () => {
    const { code, report, stderr } = await audit('--state', state, '--checkpoints', kept);
    expect({ code, stderr }).toMatchObject({ code: 0 });
    expect(report.verified).toBe(true);
    expect(report.logs.map((l) => [l.kind, l.treeSize, l.problemCount])).toEqual([
      ['artifact', '300', 0],
      ['rekor-v2', '5', 0],
      ['ct', '2', 0],
    ]);
    const info = (await (await fetch(`${cli.stack.logUrl}/api/v1/log`)).json()) as {
      rootHash: string;
    };
    expect(logOf(report, 'artifact').rootHash).toBe(info.rootHash);
    // v1: the served checkpoint and the kept one (same size); CT: its checkpoint and get-sth.
    expect(logOf(report, 'artifact').checkpointsChecked).toBe(2);
    expect(logOf(report, 'ct').checkpointsChecked).toBe(2);
    expect(logOf(report, 'rekor-v2').origin).toBe('localhost');
    expect(stderr).toContain(`${logOf(report, 'artifact').origin}: 300/300 entries`);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as {
      logs: Record<string, { treeSize: string }>;
    };
    expect(saved.logs[logOf(report, 'artifact').origin]!.treeSize).toBe('300');
  });

  it('resumes from its state: reads only what is new, and still checks the kept checkpoint', async () => {
    await logV1(40);
    const { code, report, stderr } = await audit(
      '--log',
      'artifact',
      '--state',
      state,
      '--checkpoints',
      kept,
    );
    expect({ code, stderr }).toMatchObject({ code: 0 });
    expect(report.logs).toHaveLength(1);
    expect(logOf(report, 'artifact')).toMatchObject({
      treeSize: '340',
      resumedFrom: '300',
      problemCount: 0,
    });
    // The kept checkpoint at 300 (from the tiles, below the saved size) and the served one.
    expect(logOf(report, 'artifact').checkpointsChecked).toBe(2);
    expect(stderr).toContain(': 340/340 entries');
  });

  it('reports a row changed behind the database (triggers disabled) at its index, with the first checkpoint it breaks (exit 1)', async () => {
    const { db } = cli.stack;
    const [tree] = await db.query<{ id: string }>(
      "SELECT id::text AS id FROM log_tree WHERE purpose = 'artifact' AND active",
    );
    // As a superuser: switch the append-only guards off, rewrite entry 100, switch them on.
    await db.query('ALTER TABLE log_entry DISABLE TRIGGER USER');
    await db.query(
      `UPDATE log_entry SET body = convert_to('{"rewritten":true}', 'UTF8'), body_deflated = false
        WHERE tree_id = $1 AND leaf_index = 100`,
      [tree!.id],
    );
    await db.query('ALTER TABLE log_entry ENABLE TRIGGER USER');
    const [after100] = await db.query<{ tree_size: string }>(
      'SELECT min(tree_size)::text AS tree_size FROM checkpoint WHERE tree_id = $1 AND tree_size > 100',
      [tree!.id],
    );
    const [after7] = await db.query<{ tree_size: string }>(
      'SELECT min(tree_size)::text AS tree_size FROM checkpoint WHERE tree_id = $1 AND tree_size > 7',
      [tree!.id],
    );

    // A kept checkpoint whose text was changed no longer verifies.
    const original = readFileSync(join(kept, 'v1-at-300.txt'), 'utf8');
    writeFileSync(join(kept, 'v1-forged.txt'), original.replace('\n300\n', '\n299\n'));

    // Over HTTP alone: the served entry 100 no longer hashes to its leaf; the first checkpoint
    // it breaks is the oldest one the audit sees past it (the kept one, at 300).
    const served = await audit('--log', 'artifact', '--checkpoints', kept);
    expect(served.code).toBe(1);
    const httpProblems = logOf(served.report, 'artifact').problems;
    expect(httpProblems[0]).toMatchObject({
      index: '100',
      kind: 'tile',
      firstBrokenCheckpoint: { name: join(kept, 'v1-at-300.txt'), treeSize: '300' },
    });
    expect(httpProblems[0]!.detail).toMatch(
      /^entry 100 hashes to leaf [0-9a-f]{64}; served tile 0\/0 holds/,
    );
    expect(httpProblems).toContainEqual({
      index: null,
      kind: 'checkpoint',
      detail: expect.stringMatching(
        new RegExp(`^${join(kept, 'v1-forged.txt')} does not verify with the trusted root: `),
      ),
      firstBrokenCheckpoint: null,
    });
    expect(httpProblems).toContainEqual(
      expect.objectContaining({
        kind: 'root',
        firstBrokenCheckpoint: { name: 'served checkpoint', treeSize: '340' },
      }),
    );

    // Then one hash of tile 0/0 (position 7, the node of entry 7), the same way.
    await db.query('ALTER TABLE hash_tile DISABLE TRIGGER USER');
    await db.query(
      `UPDATE hash_tile SET hashes = overlay(hashes placing '\\x00000000'::bytea from 225 for 4)
        WHERE tree_id = $1 AND tile_level = 0 AND tile_index = 0`,
      [tree!.id],
    );
    await db.query('ALTER TABLE hash_tile ENABLE TRIGGER USER');

    // With the database: every stored checkpoint is seen, so the first one broken is the
    // batch's own; the changed tile hash and the stale leaf_hash column are reported too.
    const stored = await audit('--log', 'artifact', '--database', db.url);
    expect(stored.code).toBe(1);
    const problems = logOf(stored.report, 'artifact').problems;
    expect(problems).toContainEqual({
      index: '7',
      kind: 'tile',
      detail: expect.stringMatching(
        /^entry 7 hashes to leaf [0-9a-f]{64}; database tile 0\/0 holds 00000000/,
      ),
      firstBrokenCheckpoint: {
        name: `stored checkpoint ${after7!.tree_size}`,
        treeSize: after7!.tree_size,
      },
    });
    expect(problems).toContainEqual({
      index: '100',
      kind: 'tile',
      detail: expect.stringMatching(
        /^entry 100 hashes to leaf [0-9a-f]{64}; served tile 0\/0 holds/,
      ),
      firstBrokenCheckpoint: {
        name: `stored checkpoint ${after100!.tree_size}`,
        treeSize: after100!.tree_size,
      },
    });
    expect(problems).toContainEqual(
      expect.objectContaining({
        index: '100',
        kind: 'database',
        detail: expect.stringMatching(
          /^entry 100: log_entry.leaf_hash is [0-9a-f]{64}, but its body hashes to/,
        ),
      }),
    );
    expect(problems).toContainEqual({
      index: null,
      kind: 'root',
      detail: expect.stringContaining(`stored checkpoint ${after100!.tree_size} of size`),
      firstBrokenCheckpoint: {
        name: `stored checkpoint ${after100!.tree_size}`,
        treeSize: after100!.tree_size,
      },
    });

    // The resumed state is past the change: it is not rewritten by a failed audit.
    const saved = JSON.parse(readFileSync(state, 'utf8')) as {
      logs: Record<string, { treeSize: string }>;
    };
    expect(saved.logs[logOf(stored.report, 'artifact').origin]!.treeSize).toBe('340');
  });
});
