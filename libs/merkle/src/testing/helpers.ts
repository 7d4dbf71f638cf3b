// Small helpers shared by the merkle specs.
import { MerkleError } from '../errors';
import { CompactRange } from '../compact';
import { HASH_SIZE } from '../rfc6962';
import { TILE_HEIGHT, TILE_WIDTH } from '../tiles';

/** Returns the bytes of a hex string. */
export function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

/** Returns the hex encoding of each hash, for readable comparisons. */
export function hexList(hashes: readonly Uint8Array[]): string[] {
  return hashes.map((hash) => Buffer.from(hash).toString('hex'));
}

/** Returns the hex encoding of one hash. */
export function toHexString(hash: Uint8Array): string {
  return Buffer.from(hash).toString('hex');
}

/** Returns a copy of `hash` with bit `bit` flipped. */
export function flipBit(hash: Uint8Array, bit: number): Uint8Array {
  const copy = new Uint8Array(hash);
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

/** Runs `fn` and returns the MerkleError it throws; fails if it throws nothing or something else. */
export function catchMerkleError(fn: () => unknown): MerkleError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MerkleError) return error;
    throw error;
  }
  throw new Error('expected a MerkleError, but nothing was thrown');
}

/**
 * Tiles as a log keeps them: fed by a CompactRange visitor, one growing row of hashes per tile,
 * so any tree size up to the current one can read its (possibly partial) tiles as a prefix.
 */
export class TileStore {
  readonly range = CompactRange.empty();
  private readonly rows = new Map<string, Uint8Array>();
  private readonly written = new Map<string, number>();
  /** Number of getTile calls served, to check caching. */
  reads = 0;

  /** Appends leaf hashes, writing every completed node at a tile level into its tile. */
  append(leafHashes: readonly Uint8Array[]): void {
    for (const leafHash of leafHashes) {
      this.range.append(leafHash, (level, index, hash) => {
        if (level % TILE_HEIGHT !== 0) return;
        const key = `${level / TILE_HEIGHT}/${index / BigInt(TILE_WIDTH)}`;
        const row = this.rows.get(key) ?? new Uint8Array(TILE_WIDTH * HASH_SIZE);
        row.set(hash, Number(index % BigInt(TILE_WIDTH)) * HASH_SIZE);
        this.rows.set(key, row);
        this.written.set(key, Number(index % BigInt(TILE_WIDTH)) + 1);
      });
    }
  }

  /** A GetTile over the stored tiles; fails loudly when asked for hashes not written yet. */
  readonly getTile = (tileLevel: number, tileIndex: bigint, width: number): Uint8Array => {
    this.reads++;
    const key = `${tileLevel}/${tileIndex}`;
    const row = this.rows.get(key);
    const written = this.written.get(key) ?? 0;
    if (!row || written < width)
      throw new Error(`tile ${key} has ${written} hashes, ${width} were asked for`);
    return row.slice(0, width * HASH_SIZE);
  };

  /** Reads a tile as a database stores it: every hash written so far, at least `width`. */
  readonly readStored = (
    tileLevel: number,
    tileIndex: bigint,
    width: number,
  ): Promise<Uint8Array> => {
    const written = this.written.get(`${tileLevel}/${tileIndex}`) ?? 0;
    return Promise.resolve(this.getTile(tileLevel, tileIndex, Math.max(width, written)));
  };
}

/** Returns whether two lists hold the same hashes, without copying (for exhaustive loops). */
export function sameHashes(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((hash, i) => Buffer.compare(hash, b[i]!) === 0);
}

/** Returns the MerkleError code `fn` throws, or undefined if it returns. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof MerkleError) return error.code;
    throw error;
  }
}
