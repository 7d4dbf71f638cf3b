import { Injectable } from '@nestjs/common';
import { encodeEntryBundle, parseTilePath, TILE_WIDTH, tileWidth } from '@app/merkle';
import { EntryRepository } from '../../core/entry.repository';
import { ProofsService } from '../../core/proofs.service';
import type { LogTree } from '@app/schema';
import { LogError } from '../../errors';

/** The bytes of C2SP tlog-tiles resources of a tree, as of its newest checkpoint. */
@Injectable()
export class TilesService {
  constructor(
    private readonly proofs: ProofsService,
    private readonly entryRows: EntryRepository,
  ) {}

  /**
   * The hash tile or entry bundle at `path` (`tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`).
   * A full tile is served only once full; a partial one only up to the checkpointed width; NOT_FOUND
   * otherwise, naming the path.
   */
  async read(tree: LogTree, path: string): Promise<Uint8Array> {
    let tile;
    try {
      tile = parseTilePath(path);
    } catch (err) {
      throw new LogError('NOT_FOUND', (err as Error).message);
    }
    const size = await this.proofs.signedSize(tree.id);
    const available = tileWidth(tile.kind === 'tile' ? tile.tileLevel : 0, tile.tileIndex, size);
    if (
      available === 0 ||
      (tile.width === TILE_WIDTH ? available < TILE_WIDTH : tile.width > available)
    ) {
      throw new LogError(
        'NOT_FOUND',
        `${path} is not part of the tree at its checkpointed size ${size}`,
      );
    }
    if (tile.kind === 'entries') {
      const begin = tile.tileIndex * BigInt(TILE_WIDTH);
      const entries = await this.entryRows.entriesInRange(
        tree.id,
        begin,
        begin + BigInt(tile.width),
      );
      return encodeEntryBundle(entries.map((e) => e.body));
    }
    const hashes = await this.proofs.storedTile(tree.id, tile.tileLevel, tile.tileIndex);
    if (hashes === undefined) throw new LogError('NOT_FOUND', `${path} is missing`);
    return hashes.subarray(0, tile.width * 32);
  }
}
