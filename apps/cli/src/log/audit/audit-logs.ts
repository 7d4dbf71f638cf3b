/* The logs `signet log audit` reads, found from the log URL and the trusted root, each with the
   note verifiers its checkpoints must carry a signature of. */
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import {
  type Checkpoint,
  decodeTileLeaf,
  merkleTreeLeafOf,
  type NoteVerifier,
  openCheckpoint,
  parseCheckpoint,
  parseNote,
  rekorKeyName,
  rfc6962NoteVerifier,
} from '@app/signing';
import { verifiedTreeHead, type GetSthResponse } from '../../admin/ct-entries';
import type { CliContext } from '../../cli/context';
import { CliError, ExitCode, usageError, verificationFailed } from '../../cli/exit-codes';
import { isSecureUrl } from '../../cli/options';
import { c2spCheckpointVerifiers, checkpointVerifiers, logKeyVerifiers } from '../checkpoints';
import type { LogInfo } from '../log-api';
import { requestBytes, requestJson } from '../../cli/http';
import { MAX_BYTES } from './audit-http';

/** The three personalities whose trees the audit reads. */
export const LOG_KINDS = ['artifact', 'rekor-v2', 'ct'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

/** One tree to audit. */
export interface AuditedLog {
  readonly kind: LogKind;
  /** The checkpoint origin: names the log in the report and the state file. */
  readonly origin: string;
  /** URL ending in `/` under which `checkpoint` and `tile/…` are served. */
  readonly prefix: string;
  /** Its current checkpoint, signature verified with the trusted root. */
  readonly checkpoint: Checkpoint;
  /** CT: the tree head get-sth serves, signature verified with the trusted root's CT keys. */
  readonly signedTreeHead?: { treeSize: bigint; rootHash: Uint8Array };
  /** Opens another checkpoint of this log (saved or stored); throws a failed verification. */
  open(note: string, what: string): Checkpoint;
  /** The Merkle leaf an entry of its bundles stands for (CT: the TileLeaf's MerkleTreeLeaf). */
  leafOf(entry: Uint8Array): Uint8Array;
}

/**
 * The logs of the instance: the Rekor v1 trees `GET /api/v1/log` lists (active and frozen), the
 * active CT tree, and each Rekor v2 shard of the trusted root (a tlog whose key name is not the
 * v1 log's), restricted to `kinds`. Every current checkpoint is opened with the trusted root.
 */
export async function discoverLogs(
  ctx: CliContext,
  logUrl: string,
  root: TrustedRoot,
  kinds: ReadonlySet<LogKind>,
  insecureHttp: boolean,
): Promise<AuditedLog[]> {
  const logs: AuditedLog[] = [];
  const info = await requestJson<LogInfo>(ctx, 'log info', `${logUrl}/api/v1/log`);
  const v1Verifiers = checkpointVerifiers(root);
  const v1KeyName = parseCheckpoint(parseNote(info.signedTreeHead).text).origin.split(' - ')[0];
  if (kinds.has('artifact')) {
    for (const tree of [info, ...(info.inactiveShards ?? [])]) {
      const prefix =
        tree === info ? `${logUrl}/api/v1/log/` : `${logUrl}/api/v2/trees/${tree.treeID}/`;
      const origin = `${v1KeyName} - ${tree.treeID}`;
      logs.push(await opened(ctx, 'artifact', prefix, (note) => open(note, v1Verifiers, origin)));
    }
  }
  if (kinds.has('rekor-v2')) {
    const v2 = root.tlogs.filter((t) => rekorKeyName(t.baseUrl) !== v1KeyName);
    for (const baseUrl of new Set(v2.map((t) => t.baseUrl.replace(/\/+$/, '')))) {
      if (!insecureHttp && !isSecureUrl(baseUrl)) {
        throw usageError(
          `the Rekor v2 log ${baseUrl} is plain http to a host that is not loopback; pass --insecure-http`,
        );
      }
      const hostname = new URL(baseUrl).hostname;
      const verifiers = c2spCheckpointVerifiers(
        v2.filter((t) => t.baseUrl.replace(/\/+$/, '') === baseUrl),
      );
      logs.push(
        await opened(ctx, 'rekor-v2', `${baseUrl}/api/v2/`, (note) =>
          open(note, verifiers, hostname),
        ),
      );
    }
  }
  if (kinds.has('ct')) {
    const ct = await opened(ctx, 'ct', `${logUrl}/ct/`, (note) => openCt(note, root));
    const sth = await requestJson<GetSthResponse>(ctx, 'CT get-sth', `${logUrl}/ct/v1/get-sth`);
    let signedTreeHead;
    try {
      signedTreeHead = verifiedTreeHead(sth, root);
    } catch (err) {
      throw verificationFailed(`CT get-sth: ${(err as Error).message}`, 'CHECKPOINT_ERROR', err);
    }
    logs.push({ ...ct, signedTreeHead });
  }
  return logs;
}

async function opened(
  ctx: CliContext,
  kind: LogKind,
  prefix: string,
  openNote: (note: string) => Checkpoint,
): Promise<AuditedLog> {
  const url = `${prefix}checkpoint`;
  const bytes = await requestBytes(ctx, 'checkpoint', url, MAX_BYTES.note);
  const open = (note: string, what: string): Checkpoint => {
    try {
      return openNote(note);
    } catch (err) {
      throw verificationFailed(
        `${what} does not verify with the trusted root: ${(err as Error).message}`,
        'CHECKPOINT_ERROR',
        err,
      );
    }
  };
  const checkpoint = open(Buffer.from(bytes).toString('utf8'), url);
  return {
    kind,
    origin: checkpoint.origin,
    prefix,
    checkpoint,
    open,
    leafOf:
      kind === 'ct'
        ? (entry) => merkleTreeLeafOf(decodeTileLeaf(entry).timestampedEntry)
        : (entry) => entry,
  };
}

function open(note: string, verifiers: readonly NoteVerifier[], origin: string): Checkpoint {
  return openCheckpoint(note, verifiers, origin).checkpoint;
}

/**
 * A CT tree's checkpoint: origin `<host[:port]>/ct/<treeID>` (also its key name), signed with
 * an RFC6962NoteSignature by one of the trusted root's CT log keys.
 */
function openCt(note: string, root: TrustedRoot): Checkpoint {
  const { origin } = parseCheckpoint(parseNote(note).text);
  if (!/^[^/\s]+\/ct\/[1-9][0-9]*$/.test(origin)) {
    throw new CliError(ExitCode.verificationFailed, `${origin} is not a CT tree's origin`);
  }
  const verifiers = logKeyVerifiers(root.ctlogs, (key, log) =>
    rfc6962NoteVerifier(key, origin, log.logId?.keyId ?? new Uint8Array(0)),
  );
  return open(note, verifiers, origin);
}
