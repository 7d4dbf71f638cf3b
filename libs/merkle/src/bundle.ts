import { MerkleError } from './errors';
import { TILE_WIDTH } from './tiles';

/** Largest entry an entry bundle can hold: its length prefix is a uint16 (C2SP tlog-tiles "Log entries"). */
export const MAX_ENTRY_SIZE = 0xffff;

/**
 * Returns the entry bundle for `entries`: each entry prefixed with its length as a big-endian
 * uint16 (C2SP tlog-tiles "Log entries"). Requires 1..256 entries (`INVALID_ENCODING`) of at most
 * 65,535 bytes each (`ENTRY_TOO_LARGE`).
 */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length === 0 || entries.length > TILE_WIDTH) {
    throw new MerkleError(
      'INVALID_ENCODING',
      `an entry bundle holds 1 to ${TILE_WIDTH} entries, got ${entries.length}`,
    );
  }
  let total = 0;
  entries.forEach((entry, i) => {
    if (entry.length > MAX_ENTRY_SIZE) {
      throw new MerkleError(
        'ENTRY_TOO_LARGE',
        `entry ${i} has ${entry.length} bytes; an entry bundle holds at most ${MAX_ENTRY_SIZE} bytes per entry`,
      );
    }
    total += 2 + entry.length;
  });
  const bundle = new Uint8Array(total);
  let offset = 0;
  for (const entry of entries) {
    bundle[offset] = entry.length >>> 8;
    bundle[offset + 1] = entry.length & 0xff;
    bundle.set(entry, offset + 2);
    offset += 2 + entry.length;
  }
  return bundle;
}

/**
 * Returns the entries of an entry bundle (C2SP tlog-tiles "Log entries") as views into `bundle`
 * (no copies). When `width` is given (1..256, e.g. from the bundle's path), requires exactly that
 * many entries. Throws `INVALID_ENCODING` on an empty bundle, a truncated length prefix or entry,
 * more than `width` (or 256) entries, or fewer than `width`.
 */
export function decodeEntryBundle(bundle: Uint8Array, width?: number): Uint8Array[] {
  if (width !== undefined && !(Number.isInteger(width) && width >= 1 && width <= TILE_WIDTH)) {
    throw new MerkleError(
      'INVALID_ENCODING',
      `bundle width ${width} is out of range (requires 1 <= width <= ${TILE_WIDTH})`,
    );
  }
  const limit = width ?? TILE_WIDTH;
  const entries: Uint8Array[] = [];
  let offset = 0;
  while (offset < bundle.length) {
    if (entries.length === limit) {
      throw new MerkleError(
        'INVALID_ENCODING',
        `entry bundle has ${bundle.length - offset} bytes after its ${limit} entries (${width === undefined ? 'the most a bundle holds' : `its width is ${width}`})`,
      );
    }
    if (offset + 2 > bundle.length) {
      throw new MerkleError(
        'INVALID_ENCODING',
        `entry bundle is truncated: entry ${entries.length} at byte ${offset} has 1 of its 2 length bytes`,
      );
    }
    const length = (bundle[offset]! << 8) | bundle[offset + 1]!;
    const start = offset + 2;
    if (start + length > bundle.length) {
      throw new MerkleError(
        'INVALID_ENCODING',
        `entry bundle is truncated: entry ${entries.length} declares ${length} bytes but ${bundle.length - start} remain`,
      );
    }
    entries.push(bundle.subarray(start, start + length));
    offset = start + length;
  }
  if (entries.length === 0) throw new MerkleError('INVALID_ENCODING', 'entry bundle is empty');
  if (width !== undefined && entries.length !== width) {
    throw new MerkleError(
      'INVALID_ENCODING',
      `entry bundle has ${entries.length} entries, expected its width ${width}`,
    );
  }
  return entries;
}
