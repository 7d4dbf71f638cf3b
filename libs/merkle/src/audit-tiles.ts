/* The bookkeeping of `auditTree`: problems (each with the first checkpoint it breaks) and the
   comparison of recomputed nodes with one source's tiles. */
import { bytesEqual, toHex } from './bits';
import type { AuditCheckpoint, AuditTileSource, TreeAuditProblem } from './audit';
import { HASH_SIZE } from './rfc6962';
import { TILE_HEIGHT, TILE_WIDTH, tileWidth } from './tiles';

/** The problems found, capped, each given the first checkpoint it breaks. */
export class ProblemList {
  readonly kept: TreeAuditProblem[] = [];
  count = 0;

  constructor(
    private readonly checkpoints: readonly AuditCheckpoint[],
    private readonly max: number,
  ) {}

  add(problem: TreeAuditProblem): void {
    this.count++;
    if (this.kept.length < this.max) this.kept.push(problem);
  }

  /** A problem with the node covering leaves [begin, end). */
  node(begin: bigint, end: bigint, detail: string): void {
    const first = this.checkpoints.find((c) => c.treeSize >= end);
    this.add({
      kind: 'tile',
      index: begin,
      detail,
      firstBrokenCheckpoint:
        first === undefined ? undefined : { name: first.name, treeSize: first.treeSize },
    });
  }
}

/** One source's tiles, read once each (the current tile of each level kept), compared by node. */
export class TileComparer {
  private readonly reads = new Map<string, Promise<Uint8Array | undefined>>();
  private readonly reported = new Set<string>();
  /** The first leaf of the last node reported: an upper node over it is its consequence. */
  private lastProblemAt = -1n;

  constructor(
    private readonly source: AuditTileSource,
    private readonly treeSize: bigint,
    private readonly problems: ProblemList,
  ) {}

  prefetch(tileLevel: number, tileIndex: bigint): void {
    void this.tile(tileLevel, tileIndex).catch(() => undefined);
  }

  async compare(tileLevel: number, index: bigint, hash: Uint8Array): Promise<void> {
    const tileIndex = index >> BigInt(TILE_HEIGHT);
    const key = `${tileLevel}/${tileIndex}`;
    const width = tileWidth(tileLevel, tileIndex, this.treeSize);
    const tile = await this.tile(tileLevel, tileIndex);
    const position = Number(index & BigInt(TILE_WIDTH - 1));
    // The last node of a tile: the tile is never read again.
    if (position === width - 1) this.reads.delete(key);
    const span = 1n << BigInt(TILE_HEIGHT * tileLevel);
    const [begin, end] = [index * span, (index + 1n) * span];
    const name = `${this.source.name} tile ${tileLevel}/${tileIndex}${width === TILE_WIDTH ? '' : `.p/${width}`}`;
    if (this.lastProblemAt >= begin) return;
    if (tile === undefined || tile.length < width * HASH_SIZE) {
      if (this.reported.has(key)) return;
      this.reported.add(key);
      this.lastProblemAt = begin;
      const what =
        tile === undefined
          ? 'is missing'
          : `has ${tile.length} bytes, expected ${width * HASH_SIZE}`;
      this.problems.node(begin, end, `${name} ${what}`);
      return;
    }
    const stored = tile.subarray(position * HASH_SIZE, (position + 1) * HASH_SIZE);
    if (bytesEqual(stored, hash)) return;
    this.lastProblemAt = begin;
    this.problems.node(
      begin,
      end,
      tileLevel === 0
        ? `entry ${index} hashes to leaf ${toHex(hash)}; ${name} holds ${toHex(stored)}`
        : `node ${tileLevel * TILE_HEIGHT}/${index} (leaves ${begin}..${end - 1n}) is ${toHex(hash)} from the entries; ${name} holds ${toHex(stored)}`,
    );
  }

  private tile(tileLevel: number, tileIndex: bigint): Promise<Uint8Array | undefined> {
    const key = `${tileLevel}/${tileIndex}`;
    let read = this.reads.get(key);
    if (read === undefined) {
      read = this.source.read(tileLevel, tileIndex, tileWidth(tileLevel, tileIndex, this.treeSize));
      this.reads.set(key, read);
    }
    return read;
  }
}
