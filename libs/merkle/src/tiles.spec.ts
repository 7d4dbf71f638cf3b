import fc from 'fast-check';

import { nodeRange } from './nodes';
import { catchMerkleError } from './testing/helpers';
import { nodeLocation, partialTiles, TILE_WIDTH, tileCount, tileWidth } from './tiles';

describe('nodeLocation', () => {
  it('places tile-level nodes at one position of one tile', () => {
    expect(nodeLocation({ level: 0, index: 0n })).toEqual({
      tileLevel: 0,
      tileIndex: 0n,
      begin: 0,
      end: 1,
    });
    expect(nodeLocation({ level: 0, index: 1234567n })).toEqual({
      tileLevel: 0,
      tileIndex: 4822n,
      begin: 135,
      end: 136,
    });
    expect(nodeLocation({ level: 8, index: 300n })).toEqual({
      tileLevel: 1,
      tileIndex: 1n,
      begin: 44,
      end: 45,
    });
    // Entry 5,035,492 is in bundle 19,669 (path x019/669) at offset 228: 19,669 * 256 + 228.
    expect(nodeLocation({ level: 0, index: 5035492n })).toEqual({
      tileLevel: 0,
      tileIndex: 19669n,
      begin: 228,
      end: 229,
    });
  });

  it('spans 2^k hashes of the row below for a node k levels above a tile row', () => {
    expect(nodeLocation({ level: 3, index: 5n })).toEqual({
      tileLevel: 0,
      tileIndex: 0n,
      begin: 40,
      end: 48,
    });
    expect(nodeLocation({ level: 7, index: 3n })).toEqual({
      tileLevel: 0,
      tileIndex: 1n,
      begin: 128,
      end: 256,
    });
    // Level 15 = tile level 1 plus 7: node 1 spans level-8 nodes [128, 256), the second half of tile 1/0.
    expect(nodeLocation({ level: 15, index: 1n })).toEqual({
      tileLevel: 1,
      tileIndex: 0n,
      begin: 128,
      end: 256,
    });
    expect(nodeLocation({ level: 63, index: 1n })).toEqual({
      tileLevel: 7,
      tileIndex: 0n,
      begin: 128,
      end: 256,
    });
  });

  it('covers exactly the leaves of the node', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.bigInt({ min: 0n, max: 1n << 20n }),
        (level, index) => {
          const location = nodeLocation({ level, index });
          const rowLevel = 8 * location.tileLevel;
          const unit = 1n << BigInt(rowLevel);
          const tileStart = location.tileIndex * BigInt(TILE_WIDTH) * unit;
          expect({
            begin: tileStart + BigInt(location.begin) * unit,
            end: tileStart + BigInt(location.end) * unit,
          }).toEqual(nodeRange({ level, index }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects an invalid node', () => {
    expect(catchMerkleError(() => nodeLocation({ level: 64, index: 0n }))).toMatchObject({
      code: 'INVALID_NODE',
      message: 'node (level 64, index 0) is not a valid node id',
    });
  });
});

describe('partialTiles', () => {
  it('lists the partial right-edge tiles of the C2SP tlog-tiles examples', () => {
    // C2SP tlog-tiles "Partial Tiles": a tree of size 70,000 has a partial level 0 tile of width
    // 112, a partial level 1 tile of width 17 and a partial level 2 tile of width 1; a tree of
    // size 256 has a full level 0 tile and a partial level 1 tile of width 1.
    expect(partialTiles(70000n)).toEqual([
      { tileLevel: 0, tileIndex: 273n, width: 112 },
      { tileLevel: 1, tileIndex: 1n, width: 17 },
      { tileLevel: 2, tileIndex: 0n, width: 1 },
    ]);
    expect(partialTiles(256n)).toEqual([{ tileLevel: 1, tileIndex: 0n, width: 1 }]);
    expect(partialTiles(0n)).toEqual([]);
    expect(partialTiles(65536n)).toEqual([{ tileLevel: 2, tileIndex: 0n, width: 1 }]);
  });
});

describe('tileWidth', () => {
  it('gives full, partial and missing widths', () => {
    // C2SP tlog-tiles: size 70,000 has 273 full level 0 tiles and one full level 1 tile.
    expect(tileWidth(0, 272n, 70000n)).toBe(256);
    expect(tileWidth(0, 273n, 70000n)).toBe(112);
    expect(tileWidth(0, 274n, 70000n)).toBe(0);
    expect(tileWidth(1, 0n, 70000n)).toBe(256);
    expect(tileWidth(1, 1n, 70000n)).toBe(17);
    expect(tileWidth(2, 0n, 70000n)).toBe(1);
    expect(tileWidth(3, 0n, 70000n)).toBe(0);
  });

  it('rejects a bad level, index or size', () => {
    expect(catchMerkleError(() => tileWidth(64, 0n, 1n))).toMatchObject({
      code: 'INVALID_TILE',
      message: 'tileLevel 64 is out of range (requires 0 <= tileLevel <= 63)',
    });
    expect(catchMerkleError(() => tileWidth(0, -1n, 1n))).toMatchObject({
      code: 'INVALID_TILE',
      message: 'tileIndex -1 is negative',
    });
    expect(catchMerkleError(() => tileWidth(0, 0n, -1n)).code).toBe('INVALID_SIZE');
  });
});

describe('tileCount', () => {
  it('counts full and partial tiles at a level', () => {
    expect(tileCount(0, 70000n)).toBe(274n);
    expect(tileCount(1, 70000n)).toBe(2n);
    expect(tileCount(2, 70000n)).toBe(1n);
    expect(tileCount(3, 70000n)).toBe(0n);
    expect(tileCount(0, 256n)).toBe(1n);
  });
});
