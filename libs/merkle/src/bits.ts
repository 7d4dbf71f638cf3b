import { MerkleError } from './errors';

/** Exclusive upper bound of tree sizes and leaf indices: RFC 6962 §3.5 signs `tree_size` as a uint64. */
export const SIZE_LIMIT = 1n << 64n;

/** Returns the number of bits needed to write `x` in binary (0 for 0). Requires `x >= 0`. */
export function bitLength(x: bigint): number {
  let bits = 0;
  while (x >= 0x100000000n) {
    x >>= 32n;
    bits += 32;
  }
  return bits + 32 - Math.clz32(Number(x));
}

/** Returns the number of trailing zero bits of `x`. Requires `x > 0`. */
export function trailingZeros(x: bigint): number {
  let bits = 0;
  while ((x & 0xffffffffn) === 0n) {
    x >>= 32n;
    bits += 32;
  }
  const low = Number(x & 0xffffffffn);
  // `low & -low` isolates the lowest set bit; clz32 then gives its position from the top.
  return bits + 31 - Math.clz32(low & -low);
}

/** Returns the number of set bits of `x`. Requires `x >= 0`. */
export function popCount(x: bigint): number {
  let count = 0;
  while (x > 0n) {
    let word = Number(x & 0xffffffffn);
    while (word !== 0) {
      word &= word - 1;
      count++;
    }
    x >>= 32n;
  }
  return count;
}

/**
 * Throws `INVALID_SIZE` unless `0 <= value < 2^64`; `name` is the parameter named in the message
 * (`treeSize`, `size1`, ...).
 */
export function checkSize(name: string, value: bigint): void {
  if (value < 0n || value >= SIZE_LIMIT) {
    throw new MerkleError(
      'INVALID_SIZE',
      `${name} ${value} is out of range (requires 0 <= ${name} < 2^64)`,
    );
  }
}

/** Returns the lowercase hex encoding of `bytes`, for error messages. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Returns whether `a` and `b` hold the same bytes. Not constant-time: only for public data such as hashes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

/**
 * Returns a copy of `bytes` in a new buffer. (`Buffer#slice` returns a view, so `.slice()` is not
 * a safe copy for hashes that may be Buffers.)
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}
