/* The files of `signet log audit`: its state (where each log was verified up to, for the next
   run) and the checkpoints a user kept. */
import { readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TreeAuditState } from '@app/merkle';
import { CliError, ExitCode } from '../../cli/exit-codes';
import { readInput } from '../../cli/files';

/** Saved states by checkpoint origin. */
export type AuditStates = Map<string, TreeAuditState>;

const STATE_VERSION = 1;
const MAX_CHECKPOINT_FILES = 10_000;
const MAX_NOTE_BYTES = 64 * 1024;

interface StateJson {
  version: number;
  logs: Record<string, { treeSize: string; rootHash: string; rightEdge: string[] }>;
}

/** Reads a state file; an absent file is an empty state. Throws exit 2 for a malformed one. */
export async function readStates(path: string): Promise<AuditStates> {
  let text: string;
  try {
    text = (await readInput(path, 'audit state')).toString('utf8');
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code === 'ENOENT') return new Map();
    throw err;
  }
  const states: AuditStates = new Map();
  try {
    const json = JSON.parse(text) as StateJson;
    if (json.version !== STATE_VERSION) throw new Error(`version ${json.version} is not 1`);
    for (const [origin, s] of Object.entries(json.logs)) {
      if (!/^(0|[1-9][0-9]{0,19})$/.test(s.treeSize)) throw new Error(`treeSize of ${origin}`);
      const hash = (h: string) => {
        if (!/^[0-9a-f]{64}$/.test(h)) throw new Error(`a hash of ${origin} is not 64 hex digits`);
        return Buffer.from(h, 'hex');
      };
      states.set(origin, {
        treeSize: BigInt(s.treeSize),
        rootHash: hash(s.rootHash),
        rightEdge: s.rightEdge.map(hash),
      });
    }
  } catch (err) {
    throw new CliError(
      ExitCode.error,
      `${path}: not an audit state file (${(err as Error).message})`,
      {
        cause: err,
      },
    );
  }
  return states;
}

/** Writes the state file whole, through a temporary file, so a crash never leaves half of one. */
export function writeStates(path: string, states: AuditStates): void {
  const json: StateJson = { version: STATE_VERSION, logs: {} };
  for (const [origin, s] of states) {
    json.logs[origin] = {
      treeSize: s.treeSize.toString(),
      rootHash: Buffer.from(s.rootHash).toString('hex'),
      rightEdge: s.rightEdge.map((h) => Buffer.from(h).toString('hex')),
    };
  }
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(json, null, 2)}\n`);
  renameSync(temporary, path);
}

/** A signed note from a file, named by its path. */
export interface KeptCheckpoint {
  readonly name: string;
  readonly note: string;
}

/** The signed notes in FILE, or in each regular file of DIR (not recursive, sorted by name). */
export async function readKeptCheckpoints(path: string): Promise<KeptCheckpoint[]> {
  let files = [path];
  try {
    if (statSync(path).isDirectory()) {
      files = readdirSync(path)
        .sort()
        .map((f) => join(path, f))
        .filter((f) => statSync(f).isFile());
    }
  } catch (err) {
    throw new CliError(ExitCode.error, `--checkpoints ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (files.length > MAX_CHECKPOINT_FILES) {
    throw new CliError(
      ExitCode.error,
      `--checkpoints ${path}: more than ${MAX_CHECKPOINT_FILES} files`,
    );
  }
  const kept: KeptCheckpoint[] = [];
  for (const file of files) {
    const bytes = await readInput(file, 'checkpoint');
    if (bytes.length > MAX_NOTE_BYTES) {
      throw new CliError(ExitCode.error, `${file}: over ${MAX_NOTE_BYTES} bytes, not a checkpoint`);
    }
    kept.push({ name: file, note: bytes.toString('utf8') });
  }
  return kept;
}
