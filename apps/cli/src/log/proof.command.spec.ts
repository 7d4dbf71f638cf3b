import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashLeaf, MemoryTree } from '@app/merkle';
import { generateKeyPair, KeyObjectSigner, signCheckpoint } from '@app/signing';
import { tempDirs } from '@app/testing/temp-dir';
import { recordingContext } from '../cli/testing';
import { trustedRootFile } from './testing';
import { logProof } from './proof.command';

const LOG = 'http://127.0.0.1:3000';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A fake log of `size` leaves serving Rekor's LogInfo and consistency proofs, which `lie` may alter. */
function fakeLog(
  size: number,
  signer = new KeyObjectSigner(generateKeyPair('ecdsa-p256-sha256').privateKey),
) {
  const tree = new MemoryTree();
  for (let i = 0; i < size; i++) tree.append(hashLeaf(Buffer.from(`leaf ${i}`)));
  const lies: { rootAt?: bigint; flipProofHash?: boolean } = {};
  const checkpoint = (n: bigint) =>
    signCheckpoint(signer, '127.0.0.1:3000', {
      origin: '127.0.0.1:3000 - 1',
      treeSize: n,
      rootHash: tree.rootHash(n),
    });
  const fetchImpl = (async (input: string) => {
    const url = new URL(input);
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200 });
    if (url.pathname === '/api/v1/log') {
      return json({
        treeID: '1',
        treeSize: size,
        rootHash: hex(tree.rootHash()),
        signedTreeHead: await checkpoint(BigInt(size)),
      });
    }
    const first = BigInt(url.searchParams.get('firstSize')!);
    const last = BigInt(url.searchParams.get('lastSize')!);
    const hashes = tree.consistencyProof(first, last).map(hex);
    if (lies.flipProofHash && hashes.length > 0)
      hashes[0] = hashes[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const rootHash =
      lies.rootAt === last
        ? createHash('sha256').update('forged').digest('hex')
        : hex(tree.rootHash(last));
    return json({ rootHash, hashes });
  }) as typeof fetch;
  return { tree, lies, checkpoint, fetchImpl, signer };
}

describe(logProof.name, () => {
  const tempDir = tempDirs();
  const run = (log: ReturnType<typeof fakeLog>, args: string[], rootFor = log.signer) => {
    const ctx = recordingContext({}, log.fetchImpl);
    const argv = [
      ...args,
      '--log-url',
      LOG,
      '--trusted-root',
      trustedRootFile(tempDir('proof'), rootFor, LOG),
      '--json',
    ];
    return { ctx, result: logProof(argv, ctx) };
  };

  it('verifies the proof between two sizes, each root anchored to the signed checkpoint', async () => {
    const log = fakeLog(13);
    const { ctx, result } = run(log, ['--first-size', '3', '--last-size', '7']);
    await expect(result).resolves.toBe(0);
    expect(JSON.parse(ctx.out[0]!)).toEqual({
      verified: true,
      treeID: '1',
      firstSize: '3',
      firstRootHash: hex(log.tree.rootHash(3n)),
      lastSize: '7',
      lastRootHash: hex(log.tree.rootHash(7n)),
      hashes: log.tree.consistencyProof(3n, 7n).map(hex),
      checkpointSize: '13',
    });
  });

  it('checks a saved checkpoint against the current one (a monitor)', async () => {
    const log = fakeLog(20);
    const saved = join(tempDir('cp'), 'cp.txt');
    writeFileSync(saved, await log.checkpoint(11n));
    const { ctx, result } = run(log, ['--first-checkpoint', saved]);
    await expect(result).resolves.toBe(0);
    expect(JSON.parse(ctx.out[0]!)).toMatchObject({ firstSize: '11', lastSize: '20' });
  });

  it('fails (exit 1) when the proof is tampered with', async () => {
    const log = fakeLog(13);
    log.lies.flipProofHash = true;
    await expect(run(log, ['--first-size', '3', '--last-size', '13']).result).rejects.toMatchObject(
      {
        exitCode: 1,
        code: 'CONSISTENCY_ERROR',
      },
    );
  });

  it('fails (exit 1) when the log reports a root at a size that its checkpoint does not extend', async () => {
    const log = fakeLog(13);
    log.lies.rootAt = 5n;
    await expect(run(log, ['--first-size', '5', '--last-size', '9']).result).rejects.toMatchObject({
      exitCode: 1,
      code: 'CONSISTENCY_ERROR',
      message: expect.stringContaining('not consistent from size 5 to 13'),
    });
  });

  it('fails (exit 1) for a checkpoint signed by a key the trusted root does not hold', async () => {
    const log = fakeLog(13);
    const other = new KeyObjectSigner(generateKeyPair('ecdsa-p256-sha256').privateKey);
    await expect(run(log, ['--first-size', '1'], other).result).rejects.toMatchObject({
      exitCode: 1,
      code: 'CHECKPOINT_ERROR',
    });
  });

  it('refuses sizes out of order or beyond the tree', async () => {
    const log = fakeLog(13);
    await expect(run(log, ['--first-size', '9', '--last-size', '3']).result).rejects.toMatchObject({
      exitCode: 64,
    });
    await expect(run(log, ['--first-size', '1', '--last-size', '14']).result).rejects.toMatchObject(
      { exitCode: 2 },
    );
    await expect(run(log, ['--first-size', '0']).result).rejects.toMatchObject({ exitCode: 64 });
    await expect(run(log, []).result).rejects.toMatchObject({ exitCode: 64 });
  });
});
