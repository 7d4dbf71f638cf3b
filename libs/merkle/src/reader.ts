import { checkSize } from './bits';
import { CompactRange } from './compact';
import { MerkleError } from './errors';
import { compactRangeNodes, describeNode, type NodeId, nodeRange } from './nodes';
import { formatTilePath } from './paths';
import { consistencyNodes, inclusionNodes, type ProofNodes } from './proof';
import { HASH_SIZE, hashChildren, rootFromLeafHashes } from './rfc6962';
import { nodeLocation, tileWidth } from './tiles';

/**
 * Reads one hash tile: must return exactly `width * 32` bytes, the first `width` hashes of tile
 * `tileIndex` at `tileLevel` (C2SP tlog-tiles). Sync or async; its errors propagate unchanged.
 */
export type GetTile = (
  tileLevel: number,
  tileIndex: bigint,
  width: number,
) => Uint8Array | Promise<Uint8Array>;

/**
 * Computes node hashes, roots and proofs of the tree of `treeSize` leaves from its tiles alone
 * (C2SP tlog-tiles; the role of tessera's client `ProofBuilder`). Each tile is fetched at most
 * once per reader, with the width it has at `treeSize`, and kept for the reader's lifetime: use one
 * reader per request.
 */
export class TileReader {
  private readonly tiles = new Map<string, Promise<Uint8Array>>();

  /** Requires `0 <= treeSize < 2^64` (`INVALID_SIZE`). */
  constructor(
    readonly treeSize: bigint,
    private readonly getTile: GetTile,
  ) {
    checkSize('treeSize', treeSize);
  }

  /**
   * Returns the hash of perfect node `id`, recomputing levels between tile rows from the tile's
   * hashes. Requires the node to lie within the tree (`INVALID_NODE`) and the tile to have
   * `width * 32` bytes (`INVALID_TILE`).
   */
  async nodeHash(id: NodeId): Promise<Uint8Array> {
    if (id.index < 0n || nodeRange(id).end > this.treeSize) {
      throw new MerkleError(
        'INVALID_NODE',
        `${describeNode(id)} is not a complete subtree of the tree of size ${this.treeSize}`,
      );
    }
    const location = nodeLocation(id);
    const tile = await this.tile(location.tileLevel, location.tileIndex);
    const hashes: Uint8Array[] = [];
    for (let i = location.begin; i < location.end; i++)
      hashes.push(tile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
    return rootFromLeafHashes(hashes);
  }

  /** Returns the hashes of `ids`, in order, fetching the tiles they need in parallel. */
  nodeHashes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    return Promise.all(ids.map((id) => this.nodeHash(id)));
  }

  /** Returns the root hash of the first `size` leaves (RFC 6962 §2.1). Requires `0 <= size <= treeSize`. */
  async rootHash(size: bigint = this.treeSize): Promise<Uint8Array> {
    return (await this.compactRange(size)).root();
  }

  /**
   * Returns the compact range of the first `size` leaves, so a log can resume appending at that
   * size. Requires `0 <= size <= treeSize`.
   */
  async compactRange(size: bigint = this.treeSize): Promise<CompactRange> {
    this.checkSize('size', size);
    return CompactRange.fromHashes(size, await this.nodeHashes(compactRangeNodes(size)));
  }

  /**
   * Returns the inclusion proof of `leafIndex` in the tree of the first `size` leaves
   * (RFC 9162 §2.1.3.1). Requires `0 <= leafIndex < size <= treeSize`.
   */
  async inclusionProof(leafIndex: bigint, size: bigint = this.treeSize): Promise<Uint8Array[]> {
    this.checkSize('size', size);
    return this.build(inclusionNodes(leafIndex, size));
  }

  /**
   * Returns the consistency proof between the first `size1` and the first `size2` leaves
   * (RFC 9162 §2.1.4.1). Requires `0 < size1 <= size2 <= treeSize`.
   */
  async consistencyProof(size1: bigint, size2: bigint = this.treeSize): Promise<Uint8Array[]> {
    this.checkSize('size2', size2);
    return this.build(consistencyNodes(size1, size2));
  }

  private async build(nodes: ProofNodes): Promise<Uint8Array[]> {
    return nodes.rehash(await this.nodeHashes(nodes.ids), hashChildren);
  }

  private checkSize(name: string, size: bigint): void {
    checkSize(name, size);
    if (size > this.treeSize) {
      throw new MerkleError(
        'INVALID_SIZE',
        `${name} ${size} is greater than the reader's treeSize ${this.treeSize}`,
      );
    }
  }

  private tile(tileLevel: number, tileIndex: bigint): Promise<Uint8Array> {
    const key = `${tileLevel}/${tileIndex}`;
    let tile = this.tiles.get(key);
    if (!tile) {
      tile = this.fetch(tileLevel, tileIndex);
      this.tiles.set(key, tile);
      // A failed read is not cached, so a later call may retry it.
      tile.catch(() => this.tiles.delete(key));
    }
    return tile;
  }

  private async fetch(tileLevel: number, tileIndex: bigint): Promise<Uint8Array> {
    const width = tileWidth(tileLevel, tileIndex, this.treeSize);
    const tile = await this.getTile(tileLevel, tileIndex, width);
    if (tile.length !== width * HASH_SIZE) {
      throw new MerkleError(
        'INVALID_TILE',
        `tile ${formatTilePath(tileLevel, tileIndex, width)} has ${tile.length} bytes, expected ${width * HASH_SIZE} (${width} hashes)`,
      );
    }
    return tile;
  }
}
