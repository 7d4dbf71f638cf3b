import { bytesEqual, toHex } from './bits';
import { CompactRange } from './compact';
import { MerkleError } from './errors';
import { TileReader } from './reader';
import { emptyRoot, HASH_SIZE } from './rfc6962';
import { ProblemList, TileComparer } from './audit-tiles';
import { TILE_HEIGHT, TILE_WIDTH, tileCount, tileWidth } from './tiles';

/**
 * Reads one hash tile for an audit: the first `width` hashes of tile `tileIndex` at `tileLevel`
 * (`width * 32` bytes, or more, of which the first `width * 32` are compared), or undefined
 * when the source does not have it (reported as a problem). Errors propagate and end the audit.
 */
export type ReadAuditTile = (
  tileLevel: number,
  tileIndex: bigint,
  width: number,
) => Promise<Uint8Array | undefined>;

/** A copy of the tree's tiles to compare with the tree recomputed from its entries. */
export interface AuditTileSource {
  /** Names the copy in problems (`served`, `database`). */
  readonly name: string;
  readonly read: ReadAuditTile;
}

/** A signed (or otherwise claimed) tree head to compare with the recomputed tree. */
export interface AuditCheckpoint {
  /** Names the checkpoint in problems (`served checkpoint`, `stored checkpoint`, a file name). */
  readonly name: string;
  readonly treeSize: bigint;
  readonly rootHash: Uint8Array;
}

/** The recomputed tree at `treeSize`: enough to resume an audit there (its compact range). */
export interface TreeAuditState {
  readonly treeSize: bigint;
  readonly rootHash: Uint8Array;
  readonly rightEdge: readonly Uint8Array[];
}

/**
 * One disagreement. `tile`: a tile hash differs from the node recomputed from the entries
 * (`index` = the node's first leaf; level 0 is an entry whose leaf hash is not the tile's);
 * `root`: a checkpoint's root is not the recomputed root at its size (`index` undefined).
 * `firstBrokenCheckpoint` is the smallest checkpoint that commits to the node (size >= the
 * node's end), or for `root` the checkpoint itself.
 */
export interface TreeAuditProblem {
  readonly kind: 'tile' | 'root';
  readonly index?: bigint;
  readonly detail: string;
  readonly firstBrokenCheckpoint?: { readonly name: string; readonly treeSize: bigint };
}

export interface TreeAuditOptions {
  /** Where a previous audit stopped (default: the empty tree). */
  readonly from?: TreeAuditState;
  /** The size to audit up to. Requires `from.treeSize <= treeSize < 2^64`. */
  readonly treeSize: bigint;
  /**
   * The leaf hashes (RFC 6962 §2.1 `SHA-256(0x00 ‖ leaf)`) of the entries of bundle `tileIndex`,
   * computed from the entries themselves: `width` of them.
   */
  readonly leafHashes: (tileIndex: bigint, width: number) => Promise<readonly Uint8Array[]>;
  readonly tiles: readonly AuditTileSource[];
  /** Checked when the recomputed tree reaches their size; those of size < `from` are not. */
  readonly checkpoints: readonly AuditCheckpoint[];
  /** How many bundles (and their level-0 tiles) to read ahead (default 4). */
  readonly readAhead?: number;
  /** At most this many problems are kept (default 1000); `problemCount` counts them all. */
  readonly maxProblems?: number;
  /**
   * Called after each bundle with the size reached, a function returning the recomputed state
   * there (to save for a later resume) and the number of problems found so far.
   */
  readonly onProgress?: (
    treeSize: bigint,
    state: () => TreeAuditState,
    problemCount: number,
  ) => void;
}

export interface TreeAuditResult {
  readonly state: TreeAuditState;
  readonly problems: TreeAuditProblem[];
  readonly problemCount: number;
  /** Checkpoints compared with the recomputed tree (those between `from` and `treeSize`). */
  readonly checkpointsChecked: number;
}

/**
 * Recomputes the tree of `treeSize` leaves from its entries, one entry bundle at a time, and
 * compares every node the tiles store (levels 0, 8, 16, …: C2SP tlog-tiles) in every tile
 * source, and the root at every checkpoint size, with it. Streams: memory is one tile per level
 * and source plus the read-ahead. Starting `from` a saved state continues its compact range, so
 * a root that matches a checkpoint then also proves that tree extends the saved one.
 */
export async function auditTree(options: TreeAuditOptions): Promise<TreeAuditResult> {
  const from = options.from ?? { treeSize: 0n, rootHash: new Uint8Array(0), rightEdge: [] };
  const { treeSize } = options;
  if (treeSize < from.treeSize) {
    throw new MerkleError(
      'INVALID_SIZE',
      `cannot audit to size ${treeSize}: the saved state is at size ${from.treeSize}`,
    );
  }
  const range = CompactRange.fromHashes(from.treeSize, from.rightEdge);
  const checkpoints = [...options.checkpoints].sort((a, b) =>
    a.treeSize < b.treeSize ? -1 : a.treeSize > b.treeSize ? 1 : 0,
  );
  const problems = new ProblemList(checkpoints, options.maxProblems ?? 1000);
  let nextCheckpoint = checkpoints.findIndex((c) => c.treeSize >= range.size);
  if (nextCheckpoint < 0) nextCheckpoint = checkpoints.length;
  let checked = 0;
  const checkRoot = (): void => {
    for (; checkpoints[nextCheckpoint]?.treeSize === range.size; nextCheckpoint++) {
      const checkpoint = checkpoints[nextCheckpoint]!;
      const root = range.root();
      checked++;
      if (!bytesEqual(root, checkpoint.rootHash)) {
        problems.add({
          kind: 'root',
          detail: `${checkpoint.name} of size ${checkpoint.treeSize} has root ${toHex(checkpoint.rootHash)}; the entries hash to ${toHex(root)}`,
          firstBrokenCheckpoint: { name: checkpoint.name, treeSize: checkpoint.treeSize },
        });
      }
    }
  };
  checkRoot();
  const earlier = checkpoints.filter((c) => c.treeSize < range.size);
  checked += await checkEarlier(from, earlier, options.tiles, problems);

  const tiles = options.tiles.map((source) => new TileComparer(source, treeSize, problems));
  const bundles = tileCount(0, treeSize);
  const readAhead = Math.max(1, options.readAhead ?? 4);
  const pending = new Map<bigint, Promise<readonly Uint8Array[]>>();
  const request = (n: bigint): void => {
    if (n >= bundles || pending.has(n)) return;
    const width = tileWidth(0, n, treeSize);
    pending.set(n, options.leafHashes(n, width));
    for (const t of tiles) t.prefetch(0, n);
  };
  for (let n = range.size / BigInt(TILE_WIDTH); n < bundles; n++) {
    for (let k = 0n; k < BigInt(readAhead); k++) request(n + k);
    const width = tileWidth(0, n, treeSize);
    const leafHashes = await pending.get(n)!;
    pending.delete(n);
    if (leafHashes.length !== width) {
      throw new MerkleError(
        'INVALID_TILE',
        `entry bundle ${n} yielded ${leafHashes.length} leaf hashes, expected ${width}`,
      );
    }
    const nodes: Array<{ level: number; index: bigint; hash: Uint8Array }> = [];
    const visit = (level: number, index: bigint, hash: Uint8Array): void => {
      if (level % TILE_HEIGHT === 0) nodes.push({ level, index, hash });
    };
    // Entries before the saved size were audited already.
    const skip = Number(range.size - n * BigInt(TILE_WIDTH));
    for (let i = skip; i < width; i++) {
      range.append(leafHashes[i]!, visit);
      checkRoot();
    }
    for (const node of nodes) {
      for (const t of tiles) await t.compare(node.level / TILE_HEIGHT, node.index, node.hash);
    }
    options.onProgress?.(range.size, () => stateOf(range), problems.count);
  }
  return {
    state: stateOf(range),
    problems: problems.kept,
    problemCount: problems.count,
    checkpointsChecked: checked,
  };
}

function stateOf(range: CompactRange): TreeAuditState {
  return { treeSize: range.size, rootHash: range.root(), rightEdge: range.hashes.slice() };
}

/**
 * Checkpoints below a resumed audit's start: each source's tiles must still hash to the saved
 * root at the saved size, and to each checkpoint's root at its size (one tree holding both).
 */
async function checkEarlier(
  from: TreeAuditState,
  checkpoints: readonly AuditCheckpoint[],
  sources: readonly AuditTileSource[],
  problems: ProblemList,
): Promise<number> {
  if (checkpoints.length === 0) return 0;
  const rootProblem = (name: string, treeSize: bigint, detail: string): void =>
    problems.add({ kind: 'root', detail, firstBrokenCheckpoint: { name, treeSize } });
  for (const source of sources) {
    const reader = new TileReader(from.treeSize, async (level, index, width) => {
      const tile = await source.read(level, index, width);
      if (tile === undefined || tile.length < width * HASH_SIZE) {
        throw new MerkleError('INVALID_TILE', `${source.name} tile ${level}/${index} is missing`);
      }
      return tile.subarray(0, width * HASH_SIZE);
    });
    try {
      const saved = await reader.rootHash();
      if (!bytesEqual(saved, from.rootHash)) {
        const detail = `${source.name} tiles hash to ${toHex(saved)} at the saved size ${from.treeSize}, not to the saved root ${toHex(from.rootHash)}`;
        rootProblem('saved state', from.treeSize, detail);
        continue;
      }
      for (const c of checkpoints) {
        const root = c.treeSize === 0n ? emptyRoot() : await reader.rootHash(c.treeSize);
        if (bytesEqual(root, c.rootHash)) continue;
        const detail = `${c.name} of size ${c.treeSize} has root ${toHex(c.rootHash)}; the audited tree (${source.name} tiles, saved state) has ${toHex(root)}`;
        rootProblem(c.name, c.treeSize, detail);
      }
    } catch (err) {
      if (!(err instanceof MerkleError)) throw err;
      rootProblem('saved state', from.treeSize, (err as Error).message);
    }
  }
  return checkpoints.length;
}
