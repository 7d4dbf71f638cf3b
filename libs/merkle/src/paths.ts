import { SIZE_LIMIT } from './bits';
import { MerkleError } from './errors';
import { checkTileLevel, MAX_TILE_LEVEL, TILE_WIDTH } from './tiles';

/** A parsed tlog-tiles path: a hash tile or an entry bundle; `width` is 256 unless partial. */
export type TilePath =
  | {
      readonly kind: 'tile';
      readonly tileLevel: number;
      readonly tileIndex: bigint;
      readonly width: number;
    }
  | { readonly kind: 'entries'; readonly tileIndex: bigint; readonly width: number };

/**
 * Returns the `<N>` path part for a tile index: zero-padded 3-digit groups, all but the last
 * prefixed with `x` (C2SP tlog-tiles: 1234067 is `x001/x234/067`). Requires `0 <= tileIndex < 2^64`.
 */
export function formatTileIndex(tileIndex: bigint): string {
  if (tileIndex < 0n || tileIndex >= SIZE_LIMIT) {
    throw new MerkleError(
      'INVALID_TILE_PATH',
      `tileIndex ${tileIndex} is out of range (requires 0 <= tileIndex < 2^64)`,
    );
  }
  const digits = tileIndex.toString();
  const padded = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups = padded.match(/\d{3}/g)!;
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join('/');
}

/**
 * Returns the path of a hash tile relative to the log prefix, `tile/<L>/<N>[.p/<W>]`
 * (C2SP tlog-tiles "Merkle Tree"). `width` 256 (the default) names the full tile, 1..255 a
 * partial one. Requires `0 <= tileLevel <= 63`, `0 <= tileIndex < 2^64`, `1 <= width <= 256`.
 */
export function formatTilePath(
  tileLevel: number,
  tileIndex: bigint,
  width: number = TILE_WIDTH,
): string {
  checkTileLevel(tileLevel);
  return `tile/${tileLevel}/${formatTileIndex(tileIndex)}${widthSuffix(width)}`;
}

/**
 * Returns the path of an entry bundle relative to the log prefix, `tile/entries/<N>[.p/<W>]`
 * (C2SP tlog-tiles "Log entries"). Requires `0 <= tileIndex < 2^64`, `1 <= width <= 256`.
 */
export function formatEntriesPath(tileIndex: bigint, width: number = TILE_WIDTH): string {
  return `tile/entries/${formatTileIndex(tileIndex)}${widthSuffix(width)}`;
}

/**
 * Parses a tile or entry-bundle path relative to the log prefix (no leading `/`), accepting only
 * the canonical encoding of C2SP tlog-tiles: level 0..63 without leading zeros, index groups of
 * exactly 3 digits with `x` on all but the last and no all-zero leading group, index < 2^64,
 * width 1..255 without leading zeros. Throws `INVALID_TILE_PATH` naming the offending part.
 */
export function parseTilePath(path: string): TilePath {
  const parts = path.split('/');
  if (parts.length < 3 || parts[0] !== 'tile') {
    throw invalid(path, "expected 'tile/<L>/<N>[.p/<W>]' or 'tile/entries/<N>[.p/<W>]'");
  }
  const levelText = parts[1]!;
  const indexParts = parts.slice(2);
  let width = TILE_WIDTH;
  const last = indexParts[indexParts.length - 1]!;
  if (indexParts.length >= 2 && indexParts[indexParts.length - 2]!.endsWith('.p')) {
    width = parseWidth(path, last);
    indexParts.pop();
    indexParts[indexParts.length - 1] = indexParts[indexParts.length - 1]!.slice(0, -'.p'.length);
  }
  const tileIndex = parseIndex(path, indexParts);
  if (levelText === 'entries') return { kind: 'entries', tileIndex, width };
  if (!/^(0|[1-9][0-9]?)$/.test(levelText) || Number(levelText) > MAX_TILE_LEVEL) {
    throw invalid(
      path,
      `level '${levelText}' must be 'entries' or a decimal 0..${MAX_TILE_LEVEL} without leading zeros`,
    );
  }
  return { kind: 'tile', tileLevel: Number(levelText), tileIndex, width };
}

function parseWidth(path: string, text: string): number {
  if (!/^[1-9][0-9]{0,2}$/.test(text) || Number(text) >= TILE_WIDTH) {
    throw invalid(
      path,
      `partial width '${text}' must be a decimal 1..${TILE_WIDTH - 1} without leading zeros`,
    );
  }
  return Number(text);
}

function parseIndex(path: string, groups: string[]): bigint {
  let digits = '';
  groups.forEach((group, i) => {
    const isLast = i === groups.length - 1;
    if (!(isLast ? /^[0-9]{3}$/ : /^x[0-9]{3}$/).test(group)) {
      throw invalid(
        path,
        `index element '${group}' must be ${isLast ? '3 digits' : "'x' and 3 digits"}`,
      );
    }
    digits += isLast ? group : group.slice(1);
  });
  if (groups.length > 1 && groups[0] === 'x000') {
    throw invalid(path, "index has a leading 'x000' element; the canonical encoding omits it");
  }
  const tileIndex = BigInt(digits);
  if (tileIndex >= SIZE_LIMIT) throw invalid(path, `index ${tileIndex} is not below 2^64`);
  return tileIndex;
}

function widthSuffix(width: number): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new MerkleError(
      'INVALID_TILE_PATH',
      `tile width ${width} is out of range (requires 1 <= width <= ${TILE_WIDTH})`,
    );
  }
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

function invalid(path: string, reason: string): MerkleError {
  return new MerkleError('INVALID_TILE_PATH', `invalid tile path '${path}': ${reason}`);
}
