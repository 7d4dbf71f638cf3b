/* `signet log proof`: is the log at size B an append-only extension of the log at size A? */
import { verifyConsistency } from '@app/merkle';
import type { Checkpoint } from '@app/signing';
import type { CliContext } from '../cli/context';
import { CliError, ExitCode, usageError, verificationFailed } from '../cli/exit-codes';
import { readInput } from '../cli/files';
import { type Instance, parseCommand, parseCount, resolveInstance } from '../cli/options';
import { loadTrustedRoot } from '../trust/trusted-root';
import { openSignedCheckpoint } from './checkpoints';
import { type ConsistencyProof, getConsistencyProof, getLogInfo, type LogInfo } from './log-api';
import { logOptions } from './log-trust';

export const logProofHelp = `signet log proof: check that the log only grew between two sizes

Usage:
  signet log proof --first-size A [--last-size B] [--tree-id ID] [--json]
  signet log proof --first-checkpoint FILE [--last-size B] [--json]
                   [--log-url URL] [--ca-url URL] [--trusted-root FILE]

Fetches the RFC 6962 consistency proof from size A to size B (default: the current size) and
verifies it locally (RFC 9162 §2.1.4.2). Both roots are anchored to a signed checkpoint: the
log's current checkpoint is checked with the log key of the trusted root, the roots at A and B
are proven consistent with it, and with --first-checkpoint the root at A is the one in a
checkpoint you saved earlier (e.g. \`signet log info --json\` .signedTreeHead), whose signature
is checked too. That is how a monitor proves the log was not rewritten since it last looked.

Exit codes: 0 consistent; 1 a proof or checkpoint did not verify; 2 error (e.g. a size beyond
the tree); 4 log or CA unreachable; 64 bad usage.

Examples:
  signet log proof --first-size 10 --last-size 20
  signet log info --json | jq -r .signedTreeHead > checkpoint.txt   # later:
  signet log proof --first-checkpoint checkpoint.txt --json
`;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** `signet log proof`; returns the exit code. */
export async function logProof(argv: string[], ctx: CliContext): Promise<number> {
  const { values, help } = parseCommand(argv, {
    ...logOptions,
    'first-size': { type: 'string' },
    'last-size': { type: 'string' },
    'first-checkpoint': { type: 'string' },
    'tree-id': { type: 'string' },
  });
  if (help) {
    ctx.print(logProofHelp.trimEnd());
    return 0;
  }
  if (values['first-size'] === undefined && values['first-checkpoint'] === undefined) {
    throw usageError('--first-size A or --first-checkpoint FILE is required');
  }
  const requestedFirst =
    values['first-size'] === undefined
      ? undefined
      : parseCount('--first-size', values['first-size'], 1n);
  const requestedLast =
    values['last-size'] === undefined
      ? undefined
      : parseCount('--last-size', values['last-size'], 1n);
  const instance = resolveInstance(values, ctx.env);
  const { root } = await loadTrustedRoot(
    ctx,
    instance.caUrl,
    values['trusted-root'],
    instance.tufRoot,
  );
  const tree = selectTree(await getLogInfo(ctx, instance.logUrl), values['tree-id']);
  const latest = openSignedCheckpoint(tree.signedTreeHead, root, "the log's checkpoint");
  ctx.status(`signed checkpoint verified: size ${latest.treeSize}, root ${hex(latest.rootHash)}`);

  let saved: Checkpoint | undefined;
  if (values['first-checkpoint'] !== undefined) {
    const note = (await readInput(values['first-checkpoint'], 'checkpoint')).toString('utf8');
    saved = openSignedCheckpoint(note, root, values['first-checkpoint']);
    if (requestedFirst !== undefined && requestedFirst !== saved.treeSize) {
      throw usageError(
        `--first-size ${requestedFirst} differs from the checkpoint's size ${saved.treeSize}`,
      );
    }
  }
  const firstSize = saved?.treeSize ?? requestedFirst!;
  const lastSize = requestedLast ?? latest.treeSize;
  if (firstSize > lastSize)
    throw usageError(`the first size ${firstSize} is beyond the last size ${lastSize}`);
  if (lastSize > latest.treeSize) {
    throw new CliError(
      ExitCode.error,
      `size ${lastSize} is beyond the tree size ${latest.treeSize}`,
    );
  }
  const treeId = values['tree-id'];
  const anchored = new RootsAnchoredTo(ctx, instance, latest, treeId);
  const { root: lastRoot } = await anchored.rootAt(lastSize);
  const first =
    saved === undefined
      ? await anchored.rootAt(firstSize)
      : { root: saved.rootHash, toCheckpoint: undefined };
  const firstRoot = first.root;
  // By default B is the checkpoint's size: rootAt(A) has fetched and checked that very proof.
  let proof = lastSize === latest.treeSize ? first.toCheckpoint : undefined;
  if (proof === undefined) {
    proof = await getConsistencyProof(ctx, instance.logUrl, firstSize, lastSize, treeId);
    check(
      proof.rootHash === hex(lastRoot),
      `the proof is for root ${proof.rootHash}, not ${hex(lastRoot)}`,
    );
    consistent(firstSize, lastSize, proof.hashes, firstRoot, lastRoot);
  }
  const hashes = proof.hashes;
  ctx.status(
    `consistency proof from size ${firstSize} to ${lastSize} (${hashes.length} hashes) verified`,
  );
  if (values.json === true) {
    ctx.print(
      JSON.stringify({
        verified: true,
        treeID: tree.treeID,
        firstSize: firstSize.toString(),
        firstRootHash: hex(firstRoot),
        lastSize: lastSize.toString(),
        lastRootHash: hex(lastRoot),
        hashes,
        checkpointSize: latest.treeSize.toString(),
      }),
    );
  } else {
    ctx.print(`size ${firstSize}: root ${hex(firstRoot)}`);
    ctx.print(`size ${lastSize}: root ${hex(lastRoot)}`);
    ctx.print(`consistent (${hashes.length} proof hashes, checkpoint size ${latest.treeSize})`);
  }
  return 0;
}

function selectTree(info: LogInfo, treeId: string | undefined): LogInfo {
  if (treeId === undefined || treeId === info.treeID) return info;
  const shard = info.inactiveShards?.find((s) => s.treeID === treeId);
  if (shard === undefined) throw new CliError(ExitCode.error, `the log has no tree ${treeId}`);
  return shard;
}

/**
 * Roots at smaller sizes, each proven to be a prefix of the signed checkpoint: the root the log
 * reports for size S (as the root of the proof 1→S) must pass the consistency proof S→N, which
 * is returned with it (none when S is N).
 */
class RootsAnchoredTo {
  constructor(
    private readonly ctx: CliContext,
    private readonly instance: Instance,
    private readonly checkpoint: Checkpoint,
    private readonly treeId: string | undefined,
  ) {}

  async rootAt(size: bigint): Promise<{ root: Uint8Array; toCheckpoint?: ConsistencyProof }> {
    const { treeSize, rootHash } = this.checkpoint;
    if (size === treeSize) return { root: rootHash };
    const proof = (from: bigint, to: bigint) =>
      getConsistencyProof(this.ctx, this.instance.logUrl, from, to, this.treeId);
    const claimed = await proof(1n, size);
    const toCheckpoint = await proof(size, treeSize);
    const root = Buffer.from(claimed.rootHash, 'hex');
    check(
      toCheckpoint.rootHash === hex(rootHash),
      'the log reports another root for its checkpoint size',
    );
    consistent(size, treeSize, toCheckpoint.hashes, root, rootHash);
    return { root, toCheckpoint };
  }
}

/** Verifies a consistency proof given as the log's hex hashes. */
function consistent(
  size1: bigint,
  size2: bigint,
  proof: string[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  try {
    verifyConsistency(
      size1,
      size2,
      proof.map((h) => Buffer.from(h, 'hex')),
      root1,
      root2,
    );
  } catch (err) {
    throw verificationFailed(
      `the log is not consistent from size ${size1} to ${size2}: ${(err as Error).message}`,
      'CONSISTENCY_ERROR',
      err,
    );
  }
}

function check(ok: boolean, message: string): void {
  if (!ok) throw verificationFailed(message, 'CONSISTENCY_ERROR');
}
