import fc from 'fast-check';

import { formatEntriesPath, formatTileIndex, formatTilePath, parseTilePath } from './paths';
import { catchMerkleError } from './testing/helpers';

describe('formatTileIndex', () => {
  it('writes 3-digit groups with x on all but the last', () => {
    // C2SP tlog-tiles: "index 1234067 will be encoded as x001/x234/067".
    expect(formatTileIndex(1234067n)).toBe('x001/x234/067');
    expect(formatTileIndex(0n)).toBe('000');
    expect(formatTileIndex(999n)).toBe('999');
    expect(formatTileIndex(1000n)).toBe('x001/000');
    expect(formatTileIndex(19669n)).toBe('x019/669');
    expect(formatTileIndex((1n << 64n) - 1n)).toBe('x018/x446/x744/x073/x709/x551/615');
  });

  it('rejects indices outside 0..2^64-1', () => {
    expect(catchMerkleError(() => formatTileIndex(-1n))).toMatchObject({
      code: 'INVALID_TILE_PATH',
      message: 'tileIndex -1 is out of range (requires 0 <= tileIndex < 2^64)',
    });
    expect(catchMerkleError(() => formatTileIndex(1n << 64n)).code).toBe('INVALID_TILE_PATH');
  });
});

describe('formatTilePath', () => {
  it('formats full and partial tiles', () => {
    expect(formatTilePath(0, 1234067n)).toBe('tile/0/x001/x234/067');
    expect(formatTilePath(0, 1234067n, 8)).toBe('tile/0/x001/x234/067.p/8');
    expect(formatTilePath(2, 0n, 1)).toBe('tile/2/000.p/1');
    expect(formatTilePath(63, 5n, 256)).toBe('tile/63/005');
  });

  it('rejects widths outside 1..256 and levels outside 0..63', () => {
    expect(catchMerkleError(() => formatTilePath(0, 0n, 0))).toMatchObject({
      code: 'INVALID_TILE_PATH',
      message: 'tile width 0 is out of range (requires 1 <= width <= 256)',
    });
    expect(catchMerkleError(() => formatTilePath(0, 0n, 257)).code).toBe('INVALID_TILE_PATH');
    expect(catchMerkleError(() => formatTilePath(64, 0n)).code).toBe('INVALID_TILE');
  });
});

describe('formatEntriesPath', () => {
  it('formats full and partial entry bundles', () => {
    expect(formatEntriesPath(1234067n)).toBe('tile/entries/x001/x234/067');
    expect(formatEntriesPath(19669n, 229)).toBe('tile/entries/x019/669.p/229');
  });
});

describe('parseTilePath', () => {
  it('parses hash tiles and entry bundles, full and partial', () => {
    expect(parseTilePath('tile/0/x001/x234/067')).toEqual({
      kind: 'tile',
      tileLevel: 0,
      tileIndex: 1234067n,
      width: 256,
    });
    expect(parseTilePath('tile/0/x001/x234/067.p/8')).toEqual({
      kind: 'tile',
      tileLevel: 0,
      tileIndex: 1234067n,
      width: 8,
    });
    expect(parseTilePath('tile/63/000.p/255')).toEqual({
      kind: 'tile',
      tileLevel: 63,
      tileIndex: 0n,
      width: 255,
    });
    expect(parseTilePath('tile/entries/x019/669')).toEqual({
      kind: 'entries',
      tileIndex: 19669n,
      width: 256,
    });
    expect(parseTilePath('tile/entries/000.p/1')).toEqual({
      kind: 'entries',
      tileIndex: 0n,
      width: 1,
    });
    expect(parseTilePath('tile/1/x018/x446/x744/x073/x709/x551/615').tileIndex).toBe(
      (1n << 64n) - 1n,
    );
  });

  it('round-trips every formatted path', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 63 }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 1, max: 256 }),
        (tileLevel, tileIndex, width) => {
          expect(parseTilePath(formatTilePath(tileLevel, tileIndex, width))).toEqual({
            kind: 'tile',
            tileLevel,
            tileIndex,
            width,
          });
          expect(parseTilePath(formatEntriesPath(tileIndex, width))).toEqual({
            kind: 'entries',
            tileIndex,
            width,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ['/tile/0/000', "expected 'tile/<L>/<N>[.p/<W>]' or 'tile/entries/<N>[.p/<W>]'"],
    ['tile/0', "expected 'tile/<L>/<N>[.p/<W>]' or 'tile/entries/<N>[.p/<W>]'"],
    ['tiles/0/000', "expected 'tile/<L>/<N>[.p/<W>]' or 'tile/entries/<N>[.p/<W>]'"],
    ['tile/00/000', "level '00' must be 'entries' or a decimal 0..63 without leading zeros"],
    ['tile/07/000', "level '07' must be 'entries' or a decimal 0..63 without leading zeros"],
    ['tile/64/000', "level '64' must be 'entries' or a decimal 0..63 without leading zeros"],
    ['tile/-1/000', "level '-1' must be 'entries' or a decimal 0..63 without leading zeros"],
    ['tile/0/67', "index element '67' must be 3 digits"],
    ['tile/0/0067', "index element '0067' must be 3 digits"],
    ['tile/0/x067', "index element 'x067' must be 3 digits"],
    ['tile/0/001/067', "index element '001' must be 'x' and 3 digits"],
    ['tile/0/x1/067', "index element 'x1' must be 'x' and 3 digits"],
    ['tile/0/x001/', "index element '' must be 3 digits"],
    ['tile/0/x000/x001/067', "index has a leading 'x000' element; the canonical encoding omits it"],
    ['tile/0/x000/067', "index has a leading 'x000' element; the canonical encoding omits it"],
    ['tile/0/x018/x446/x744/x073/x709/x551/616', 'index 18446744073709551616 is not below 2^64'],
    ['tile/0/067.p/0', "partial width '0' must be a decimal 1..255 without leading zeros"],
    ['tile/0/067.p/256', "partial width '256' must be a decimal 1..255 without leading zeros"],
    ['tile/0/067.p/08', "partial width '08' must be a decimal 1..255 without leading zeros"],
    ['tile/0/067.p/', "partial width '' must be a decimal 1..255 without leading zeros"],
    ['tile/0/067.p', "index element '067.p' must be 3 digits"],
    ['tile/0/067.p/8/9', "index element '067.p' must be 'x' and 3 digits"],
    ['tile/0/x001/.p/8', "index element '' must be 3 digits"],
    ['tile/entries/67', "index element '67' must be 3 digits"],
    [
      'tile/entries/000.p/256',
      "partial width '256' must be a decimal 1..255 without leading zeros",
    ],
  ])('rejects %s', (path, reason) => {
    expect(catchMerkleError(() => parseTilePath(path))).toMatchObject({
      code: 'INVALID_TILE_PATH',
      message: `invalid tile path '${path}': ${reason}`,
    });
  });
});
