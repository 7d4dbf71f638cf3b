/* `signet log info|get|search|proof|monitor|audit`: read the transparency log and check what it says. */
import { createHash } from 'node:crypto';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { hashLeaf, verifyInclusion } from '@app/merkle';
import type { CliContext } from '../cli/context';
import { usageError, verificationFailed } from '../cli/exit-codes';
import { readInput } from '../cli/files';
import { parseCommand, parseCount, resolveInstance } from '../cli/options';
import { openSignedCheckpoint } from './checkpoints';
import { getEntry, getLogInfo, type LogEntry, searchIndex } from './log-api';
import { logOptions, optionalTrustedRoot } from './log-trust';
import { logMonitor } from './monitor/monitor.command';
import { logAudit } from './audit/audit.command';
import { logProof } from './proof.command';

export const logHelp = `signet log: read the Signet transparency log

Usage:
  signet log info   [--json]
  signet log get    (--log-index N | --uuid UUID) [--json]
  signet log search (--sha256 HEX | --email ADDRESS | --artifact FILE) [--json]
  signet log proof  --first-size A [--last-size B] [--first-checkpoint FILE] [--json]
  signet log monitor --state FILE [--config monitor.yaml] [--once] [watch flags]
  signet log audit  [--log artifact|ct|rekor-v2]... [--checkpoints FILE|DIR] [--state FILE] [--database URL] [--json]
Common options: --log-url URL, --ca-url URL (for the trusted root), --trusted-root FILE,
--no-verify (info, get: read without a trusted root; otherwise that is a failure, exit 1).

info    the active tree: size, root hash and signed checkpoint (checked against the trusted
        root's log key), and any frozen trees
get     one entry with its decoded body; its inclusion proof is checked against its checkpoint
search  UUIDs of the entries for an artifact digest (or a file's sha256) or a signer's email,
        in log order, from every page the log answers
proof   a consistency proof between tree sizes A and B, checked locally (RFC 9162) against
        the signed checkpoint; see \`signet log proof --help\`
monitor follow the logs from a state file: prove each new checkpoint consistent with the last,
        alert (JSON lines, webhook) on watched identities, digests, keys and policy versions;
        see \`signet log monitor --help\`
audit   every entry and tile of each tree recomputed and checked against its checkpoints
        (and with --database the rows behind them); see \`signet log audit --help\`

Exit codes: 0 ok; 1 a checkpoint, inclusion or consistency proof did not verify; 2 error
(e.g. no such entry); 4 log unreachable; 64 bad usage.

Examples:
  signet log info
  signet log get --log-index 0 --json
  signet log search --artifact app.tar.gz
  signet log search --email alice@example.com
  signet log proof --first-size 10 --last-size 20
  signet log audit --state audit-state.json
`;

/** `signet log …`; returns the exit code. */
export function log(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'info':
      return logInfo(rest, ctx);
    case 'get':
      return logGet(rest, ctx);
    case 'search':
      return logSearch(rest, ctx);
    case 'proof':
      return logProof(rest, ctx);
    case 'monitor':
      return logMonitor(rest, ctx);
    case 'audit':
      return logAudit(rest, ctx);
    case undefined:
    case '--help':
    case '-h':
      ctx.print(logHelp.trimEnd());
      return Promise.resolve(0);
    default:
      throw usageError(
        `unknown log command "${sub}" (expected info, get, search, proof, monitor or audit)`,
      );
  }
}

async function logInfo(argv: string[], ctx: CliContext): Promise<number> {
  const { values, help } = parseCommand(argv, logOptions);
  if (help) return printHelp(ctx);
  const instance = resolveInstance(values, ctx.env);
  const info = await getLogInfo(ctx, instance.logUrl);
  const trusted = await optionalTrustedRoot(
    ctx,
    instance,
    values['trusted-root'],
    values['no-verify'],
  );
  let verified = false;
  if (trusted !== undefined) {
    checkCheckpoint(info.signedTreeHead, trusted.root, 'the checkpoint', info, {
      message: 'the signed checkpoint disagrees with the tree size or root hash',
      code: 'CHECKPOINT_ERROR',
    });
    verified = true;
  }
  if (values.json === true) {
    ctx.print(JSON.stringify({ ...info, checkpointVerified: verified }));
    return 0;
  }
  ctx.print(`tree ID:      ${info.treeID}`);
  ctx.print(`tree size:    ${info.treeSize}`);
  ctx.print(`root hash:    ${info.rootHash}`);
  ctx.print(
    `checkpoint:   ${verified ? 'signature verified with the trusted root' : 'NOT checked'}`,
  );
  for (const shard of info.inactiveShards ?? []) {
    ctx.print(`frozen tree:  ${shard.treeID} (size ${shard.treeSize}, root ${shard.rootHash})`);
  }
  return 0;
}

async function logGet(argv: string[], ctx: CliContext): Promise<number> {
  const { values, help } = parseCommand(argv, {
    ...logOptions,
    'log-index': { type: 'string' },
    uuid: { type: 'string' },
  });
  if (help) return printHelp(ctx);
  const index = values['log-index'];
  const uuid = values.uuid;
  if ((index === undefined) === (uuid === undefined)) {
    throw usageError('give exactly one of --log-index N and --uuid UUID');
  }
  const instance = resolveInstance(values, ctx.env);
  const answer = await getEntry(
    ctx,
    instance.logUrl,
    uuid !== undefined ? { uuid } : { logIndex: parseCount('--log-index', index!) },
  );
  const [entryUuid, entry] = Object.entries(answer)[0] ?? [];
  if (entryUuid === undefined || entry === undefined) {
    throw verificationFailed('the log answered no entry', 'ENTRY_ERROR');
  }
  const trusted = await optionalTrustedRoot(
    ctx,
    instance,
    values['trusted-root'],
    values['no-verify'],
  );
  const inclusion = checkInclusion(entry, trusted?.root);
  const body = JSON.parse(Buffer.from(entry.body, 'base64').toString('utf8')) as {
    kind?: string;
    apiVersion?: string;
  };
  if (values.json === true) {
    ctx.print(JSON.stringify({ uuid: entryUuid, ...entry, decodedBody: body, inclusion }));
    return 0;
  }
  ctx.print(`uuid:             ${entryUuid}`);
  ctx.print(`log index:        ${entry.logIndex}`);
  ctx.print(`integrated time:  ${new Date(entry.integratedTime * 1000).toISOString()}`);
  ctx.print(`kind:             ${body.kind ?? '?'} ${body.apiVersion ?? ''}`);
  ctx.print(`inclusion proof:  ${inclusion}`);
  ctx.print(JSON.stringify(body, null, 2));
  return 0;
}

/**
 * Opens a signed checkpoint with the trusted root and checks that it is for the tree size and
 * root hash (hex, either case) the log reported beside it; throws the failed verification `mismatch` if not.
 */
function checkCheckpoint(
  note: string,
  root: TrustedRoot,
  what: string,
  reported: { treeSize: number; rootHash: string },
  mismatch: { message: string; code: string },
): void {
  const checkpoint = openSignedCheckpoint(note, root, what);
  if (
    checkpoint.treeSize !== BigInt(reported.treeSize) ||
    Buffer.from(checkpoint.rootHash).toString('hex') !== reported.rootHash.toLowerCase()
  ) {
    throw verificationFailed(mismatch.message, mismatch.code);
  }
}

/** Checks the entry's inclusion proof (and its checkpoint's signature when `root` is given). */
function checkInclusion(entry: LogEntry, root: TrustedRoot | undefined): string {
  const proof = entry.verification?.inclusionProof;
  if (proof === undefined)
    throw verificationFailed('the entry has no inclusion proof', 'INCLUSION_ERROR');
  const rootHash = Buffer.from(proof.rootHash, 'hex');
  try {
    verifyInclusion(
      hashLeaf(Buffer.from(entry.body, 'base64')),
      BigInt(proof.logIndex),
      BigInt(proof.treeSize),
      proof.hashes.map((h) => Buffer.from(h, 'hex')),
      rootHash,
    );
  } catch (err) {
    throw verificationFailed(
      `the inclusion proof does not verify: ${(err as Error).message}`,
      'INCLUSION_ERROR',
      err,
    );
  }
  if (root === undefined) return `verified against root ${proof.rootHash} (checkpoint NOT checked)`;
  checkCheckpoint(proof.checkpoint, root, "the entry's checkpoint", proof, {
    message: 'the checkpoint is for another tree size or root',
    code: 'INCLUSION_ERROR',
  });
  return `verified in the signed checkpoint of size ${proof.treeSize}`;
}

async function logSearch(argv: string[], ctx: CliContext): Promise<number> {
  const { values, help } = parseCommand(argv, {
    ...logOptions,
    sha256: { type: 'string' },
    email: { type: 'string' },
    artifact: { type: 'string' },
  });
  if (help) return printHelp(ctx);
  const given = [values.sha256, values.email, values.artifact].filter((v) => v !== undefined);
  if (given.length !== 1) throw usageError('give exactly one of --sha256, --email and --artifact');
  let query: Record<string, string>;
  if (values.email !== undefined) {
    query = { email: values.email };
  } else if (values.sha256 !== undefined) {
    if (!/^[0-9a-fA-F]{64}$/.test(values.sha256))
      throw usageError('--sha256 must be 64 hex digits');
    query = { hash: `sha256:${values.sha256.toLowerCase()}` };
  } else {
    const data = await readInput(values.artifact!, 'artifact');
    query = { hash: `sha256:${createHash('sha256').update(data).digest('hex')}` };
  }
  const { logUrl } = resolveInstance(values, ctx.env);
  const uuids = await searchIndex(ctx, logUrl, query);
  if (values.json === true) {
    ctx.print(JSON.stringify({ query, uuids }));
  } else {
    ctx.status(
      `${uuids.length} entr${uuids.length === 1 ? 'y' : 'ies'} for ${Object.values(query)[0]}`,
    );
    for (const u of uuids) ctx.print(u);
  }
  return 0;
}

function printHelp(ctx: CliContext): Promise<number> {
  ctx.print(logHelp.trimEnd());
  return Promise.resolve(0);
}
