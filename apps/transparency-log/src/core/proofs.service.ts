import { Inject, Injectable } from '@nestjs/common';
import { TileCache, TileReader } from '@app/merkle';
import { SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import { LogError } from '../errors';
import { type StoredCheckpoint, TreeRepository } from './tree.repository';

/**
 * What the log proves from its stored tiles: readers of a tree as it was at a signed size
 * (inclusion and consistency proofs, roots, tiles), through the process's tile cache, and the
 * checkpoints those sizes come from.
 */
@Injectable()
export class ProofsService {
  private readonly tiles: TileCache;

  constructor(
    private readonly repo: TreeRepository,
    @Inject(SIGNET_CONFIG) config: SignetConfig,
  ) {
    this.tiles = new TileCache(config.log.tileCacheBytes);
  }

  /** The newest signed checkpoint of a tree, if any. */
  latestCheckpoint(treeId: bigint): Promise<StoredCheckpoint | undefined> {
    return this.repo.latestCheckpoint(treeId);
  }

  /** The size of the newest signed checkpoint of a tree (0 before the first). */
  async signedSize(treeId: bigint): Promise<bigint> {
    return (await this.repo.latestCheckpoint(treeId))?.treeSize ?? 0n;
  }

  /** The hashes of a tile as stored now (possibly wider than a given tree size needs). */
  storedTile(treeId: bigint, tileLevel: number, tileIndex: bigint): Promise<Buffer | undefined> {
    return this.repo.tile(treeId, tileLevel, tileIndex);
  }

  /**
   * A reader of the tree's tiles as they were at `treeSize`, through the process's tile cache
   * (tiles only ever grow, so a cached prefix stays true).
   */
  reader(treeId: bigint, treeSize: bigint): TileReader {
    return new TileReader(
      treeSize,
      this.tiles.reader(treeId.toString(), async (tileLevel, tileIndex, width) => {
        const hashes = await this.repo.tile(treeId, tileLevel, tileIndex);
        if (hashes === undefined || hashes.length < width * 32) {
          throw new LogError(
            'UNAVAILABLE',
            `tile ${tileLevel}/${tileIndex} of tree ${treeId} is missing`,
          );
        }
        return hashes;
      }),
    );
  }
}
