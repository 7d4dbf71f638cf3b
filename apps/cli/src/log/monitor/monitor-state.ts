/* The monitor's memory: for each log, the last checkpoint it verified (and proved consistent
   with the one before). Entries below its size have been matched and are never alerted again. */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { CliError, ExitCode } from '../../cli/exit-codes';

/** The last verified checkpoint of one log. */
export interface LogState {
  /** The checkpoint's origin line (or `ct <log ID>` for an RFC 6962 tree head). */
  readonly origin: string;
  readonly treeSize: bigint;
  /** Lowercase hex. */
  readonly rootHash: string;
  /** The compact range of the tree at `treeSize` (RFC 9162 §2.1), lowercase hex: where the
      next entries are hashed onto, to check they are the ones the next checkpoint commits to. */
  readonly rightEdge: readonly string[];
  /** The signed checkpoint note or tree head as the log served it: evidence. */
  readonly signed: string;
  /** RFC 3339, when it was verified. */
  readonly verifiedAt: string;
}

/** Per log, keyed by `<log> <url>`. */
export type MonitorState = Map<string, LogState>;

const FORMAT = 1;

/**
 * Reads the state file at `path`; an empty state when there is none. Exit 2 naming the file and
 * the field when it cannot be read or is not a state file.
 */
export async function loadState(path: string): Promise<MonitorState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new CliError(ExitCode.error, `cannot read state file ${path}: ${(err as Error).message}`);
  }
  return parseState(text, path);
}

/** Parses a state file's text (see {@link loadState}). */
export function parseState(text: string, path: string): MonitorState {
  const bad = (what: string) => new CliError(ExitCode.error, `state file ${path}: ${what}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  const top = json as { format?: unknown; logs?: unknown } | null;
  if (top?.format !== FORMAT) throw bad(`format must be ${FORMAT}`);
  if (typeof top.logs !== 'object' || top.logs === null) throw bad('logs must be an object');
  const state: MonitorState = new Map();
  for (const [key, value] of Object.entries(top.logs)) {
    const field = (name: string) => `logs[${JSON.stringify(key)}].${name}`;
    const v = value as Record<string, unknown> | null;
    for (const name of ['origin', 'treeSize', 'rootHash', 'signed', 'verifiedAt']) {
      if (typeof v?.[name] !== 'string') throw bad(`${field(name)} must be a string`);
    }
    const s = v as Record<string, string>;
    if (!/^(0|[1-9][0-9]{0,19})$/.test(s.treeSize!))
      throw bad(`${field('treeSize')} must be a size`);
    if (!/^[0-9a-f]{64}$/.test(s.rootHash!)) {
      throw bad(`${field('rootHash')} must be 64 lowercase hex digits`);
    }
    const edge = v!.rightEdge;
    if (
      !Array.isArray(edge) ||
      !edge.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))
    ) {
      throw bad(`${field('rightEdge')} must be a list of 64-hex-digit hashes`);
    }
    state.set(key, {
      origin: s.origin!,
      treeSize: BigInt(s.treeSize!),
      rootHash: s.rootHash!,
      rightEdge: edge as string[],
      signed: s.signed!,
      verifiedAt: s.verifiedAt!,
    });
  }
  return state;
}

/** The state as the file holds it. */
export function formatState(state: MonitorState): string {
  const logs = Object.fromEntries(
    [...state].map(([key, s]) => [key, { ...s, treeSize: s.treeSize.toString() }]),
  );
  return `${JSON.stringify({ format: FORMAT, logs }, null, 2)}\n`;
}

/**
 * Writes `state` to `path` atomically (a temporary file renamed over it), so a crash leaves the
 * previous state or the new one, never half of it. Exit 2 naming the file when it cannot.
 */
export async function saveState(path: string, state: MonitorState): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, formatState(state), { mode: 0o600 });
    await rename(temporary, path);
  } catch (err) {
    throw new CliError(
      ExitCode.error,
      `cannot write state file ${path}: ${(err as Error).message}`,
    );
  }
}
