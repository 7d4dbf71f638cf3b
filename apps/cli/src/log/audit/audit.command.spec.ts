import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  encodeEntryBundle,
  hashLeaf,
  integrate,
  parseTilePath,
  rootFromLeafHashes,
  TILE_WIDTH,
} from '@app/merkle';
import { generateKeyPair, KeyObjectSigner, signCheckpoint } from '@app/signing';
import { tempDirs } from '@app/testing/temp-dir';
import { recordingContext } from '../../cli/testing';
import { trustedRootFile } from '../testing';
import { logAudit } from './audit.command';

const LOG = 'http://127.0.0.1:3000';
const ORIGIN = '127.0.0.1:3000 - 1';

/**
 * A Rekor v1 tree served over C2SP tlog-tiles as the log serves it: `entries` (mutable, so a test
 * can change one behind the tiles' back), its tiles and a signed checkpoint at `size`.
 */
function fakeLog(total: number) {
  const signer = new KeyObjectSigner(generateKeyPair('ecdsa-p256-sha256').privateKey);
  const entries = Array.from({ length: total }, (_, i) => Buffer.from(`{"entry":${i}}`));
  const tiles = new Map<string, Buffer>();
  const log = { signer, entries, tiles, size: 0, requests: [] as string[] };
  const rightEdge: Uint8Array[] = [];
  const grow = (size: number) => {
    const result = integrate(
      BigInt(log.size),
      rightEdge,
      entries.slice(log.size, size).map(hashLeaf),
    );
    for (const t of result.tileAppends) {
      const key = `${t.tileLevel}/${t.tileIndex}`;
      tiles.set(key, Buffer.concat([tiles.get(key) ?? Buffer.alloc(0), t.hashes]));
    }
    rightEdge.splice(0, rightEdge.length, ...result.rightEdge);
    log.size = size;
  };
  const checkpoint = (size: number) =>
    signCheckpoint(signer, '127.0.0.1:3000', {
      origin: ORIGIN,
      treeSize: BigInt(size),
      rootHash: rootFromLeafHashes(entries.slice(0, size).map(hashLeaf)),
    });
  const fetchImpl = (async (input: string) => {
    const path = new URL(input).pathname;
    log.requests.push(path);
    if (path === '/api/v1/log') {
      const signedTreeHead = await checkpoint(log.size);
      return Response.json({ treeID: '1', treeSize: log.size, signedTreeHead, inactiveShards: [] });
    }
    if (path === '/api/v1/log/checkpoint') return new Response(await checkpoint(log.size));
    const tile = parseTilePath(path.slice('/api/v1/log/'.length));
    if (tile.kind === 'entries') {
      const begin = Number(tile.tileIndex) * TILE_WIDTH;
      return new Response(encodeEntryBundle(entries.slice(begin, begin + tile.width)));
    }
    const hashes = tiles.get(`${tile.tileLevel}/${tile.tileIndex}`);
    if (hashes === undefined) return new Response('{}', { status: 404 });
    return new Response(hashes.subarray(0, tile.width * 32));
  }) as typeof fetch;
  return { ...log, log, grow, checkpoint, fetchImpl };
}

interface Report {
  verified: boolean;
  logs: Array<{
    treeSize: string;
    resumedFrom: string;
    checkpointsChecked: number;
    problems: Array<{
      index: string | null;
      kind: string;
      detail: string;
      firstBrokenCheckpoint: unknown;
    }>;
  }>;
}

describe(logAudit.name, () => {
  const tempDir = tempDirs();
  const audit = async (log: ReturnType<typeof fakeLog>, dir: string, ...args: string[]) => {
    const ctx = recordingContext({}, log.fetchImpl);
    const argv = ['--log', 'artifact', '--log-url', LOG, '--json', ...args];
    const code = await logAudit(
      [...argv, '--trusted-root', trustedRootFile(dir, log.signer, LOG)],
      ctx,
    );
    return { code, report: JSON.parse(ctx.out[0]!) as Report, err: ctx.err };
  };

  it('recomputes the tree and checks the checkpoint; resumes from --state reading only new bundles', async () => {
    const log = fakeLog(700);
    log.grow(300);
    const dir = tempDir('audit');
    const state = join(dir, 'state.json');
    const first = await audit(log, dir, '--state', state);
    expect(first.code).toBe(0);
    expect(first.report.logs[0]).toMatchObject({ treeSize: '300', resumedFrom: '0', problems: [] });
    expect(first.err).toContain(
      `${ORIGIN}: 300/300 entries (${first.err.at(-1)!.match(/\((\d+)\/s\)/)![1]}/s)`,
    );

    log.grow(700);
    log.log.requests.length = 0;
    const second = await audit(log, dir, '--state', state);
    expect(second.code).toBe(0);
    expect(second.report.logs[0]).toMatchObject({
      treeSize: '700',
      resumedFrom: '300',
      problems: [],
    });
    const bundles = log.log.requests.filter((p) => p.includes('/tile/entries/'));
    expect(bundles).toEqual(['/api/v1/log/tile/entries/001', '/api/v1/log/tile/entries/002.p/188']);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as {
      logs: Record<string, { treeSize: string }>;
    };
    expect(saved.logs[ORIGIN]!.treeSize).toBe('700');
  });

  it('reports a changed entry at its index with the first kept checkpoint it breaks, and a kept checkpoint that does not verify (exit 1)', async () => {
    const log = fakeLog(600);
    log.grow(600);
    const dir = tempDir('audit');
    writeFileSync(join(dir, 'at-400.txt'), await log.checkpoint(400));
    writeFileSync(join(dir, 'at-200.txt'), await log.checkpoint(200));
    const forged = (await log.checkpoint(100)).replace('\n100\n', '\n101\n');
    writeFileSync(join(dir, 'forged.txt'), forged);
    log.entries[250] = Buffer.from('{"entry":"rewritten"}');
    const { code, report } = await audit(log, dir, '--checkpoints', dir);
    expect(code).toBe(1);
    const problems = report.logs[0]!.problems;
    expect(problems[0]).toMatchObject({
      index: '250',
      kind: 'tile',
      firstBrokenCheckpoint: { name: join(dir, 'at-400.txt'), treeSize: '400' },
    });
    expect(problems).toContainEqual({
      index: null,
      kind: 'checkpoint',
      detail: expect.stringMatching(/forged\.txt does not verify with the trusted root: /),
      firstBrokenCheckpoint: null,
    });
    // The log signs its current tree over the changed entry; the checkpoint kept before does not.
    expect(problems.filter((p) => p.kind === 'root').map((p) => p.firstBrokenCheckpoint)).toEqual([
      { name: join(dir, 'at-400.txt'), treeSize: '400' },
    ]);
  });

  it('reports a log smaller than its saved state, and a saved state the tiles no longer hash to (exit 1)', async () => {
    const log = fakeLog(600);
    log.grow(500);
    const dir = tempDir('audit');
    const state = join(dir, 'state.json');
    expect((await audit(log, dir, '--state', state)).code).toBe(0);

    // The log now signs a smaller tree: rolled back (the tree itself is audited from scratch).
    log.log.size = 400;
    const rolledBack = await audit(log, dir, '--state', state);
    expect(rolledBack.code).toBe(1);
    expect(rolledBack.report.logs[0]!.problems).toEqual([
      {
        index: null,
        kind: 'checkpoint',
        detail:
          "the saved state is at size 500, beyond the log's checkpoint size 400: the log was rolled back or forked",
        firstBrokenCheckpoint: null,
      },
    ]);
    log.log.size = 500;

    // A hash of tile 0/0 changes: the kept checkpoint at 100, below the saved size, is checked
    // against the tiles (whose root at 500 reads tile 1/0, not 0/0, so still the saved one).
    const kept = join(dir, 'at-100.txt');
    writeFileSync(kept, await log.checkpoint(100));
    const flip = (key: string) => {
      const tile = Buffer.from(log.tiles.get(key)!);
      tile[0] = tile[0]! ^ 1;
      log.tiles.set(key, tile);
    };
    flip('0/0');
    const changed = await audit(log, dir, '--state', state, '--checkpoints', kept);
    expect(changed.code).toBe(1);
    expect(changed.report.logs[0]!.problems).toEqual([
      {
        index: null,
        kind: 'root',
        detail: expect.stringMatching(
          /at-100\.txt of size 100 has root [0-9a-f]{64}; the audited tree \(served tiles, saved state\) has [0-9a-f]{64}$/,
        ),
        firstBrokenCheckpoint: { name: kept, treeSize: '100' },
      },
    ]);

    // A hash of tile 1/0 (the node over leaves 0..255) changes: the tiles no longer make the
    // saved tree.
    flip('1/0');
    const unsaved = await audit(log, dir, '--state', state, '--checkpoints', kept);
    expect(unsaved.report.logs[0]!.problems).toEqual([
      {
        index: null,
        kind: 'root',
        detail: expect.stringMatching(
          /^served tiles hash to [0-9a-f]{64} at the saved size 500, not to the saved root [0-9a-f]{64}$/,
        ),
        firstBrokenCheckpoint: { name: 'saved state', treeSize: '500' },
      },
    ]);
  });

  it('refuses bad usage (64)', async () => {
    const log = fakeLog(1);
    const dir = tempDir('audit');
    await expect(audit(log, dir, '--log', 'v3')).rejects.toMatchObject({
      exitCode: 64,
      message: '--log must be v1, v2 or ct, got "v3"',
    });
    await expect(audit(log, dir, '--concurrency', '33')).rejects.toMatchObject({
      exitCode: 64,
      message: '--concurrency must be at most 32',
    });
  });
});
