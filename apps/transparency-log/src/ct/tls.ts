/* TLS presentation-language encoding (RFC 8446 §3, RFC 6962 §3) for the CT structures. */

/** `uint16` big-endian. Requires 0 <= n < 2^16. */
export function uint16(n: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(n);
  return out;
}

/** `uint24` big-endian. Requires 0 <= n < 2^24. */
export function uint24(n: number): Buffer {
  return Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}

/** `uint64` big-endian. Requires 0 <= n < 2^64. */
export function uint64(n: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(n);
  return out;
}

/** `opaque x<0..2^16-1>`. Throws RangeError when `bytes` is longer. */
export function vector16(bytes: Uint8Array): Buffer {
  if (bytes.length > 0xffff) throw new RangeError(`vector of ${bytes.length} bytes exceeds 2^16-1`);
  return Buffer.concat([uint16(bytes.length), bytes]);
}

/** `opaque x<0..2^24-1>`. Throws RangeError when `bytes` is longer. */
export function vector24(bytes: Uint8Array): Buffer {
  if (bytes.length > 0xffffff)
    throw new RangeError(`vector of ${bytes.length} bytes exceeds 2^24-1`);
  return Buffer.concat([uint24(bytes.length), bytes]);
}

/** Reads TLS fields front to back; every read throws RangeError naming the field on overrun. */
export class TlsReader {
  private offset = 0;
  private readonly bytes: Buffer;

  constructor(bytes: Uint8Array) {
    this.bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** The bytes read so far. */
  get consumed(): Buffer {
    return this.bytes.subarray(0, this.offset);
  }

  take(n: number, what: string): Buffer {
    if (n > this.remaining) throw new RangeError(`truncated ${what}`);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  uint8(what: string): number {
    return this.take(1, what)[0]!;
  }

  uint16(what: string): number {
    return this.take(2, what).readUInt16BE(0);
  }

  uint24(what: string): number {
    return this.take(3, what).readUIntBE(0, 3);
  }

  uint64(what: string): bigint {
    return this.take(8, what).readBigUInt64BE(0);
  }

  vector16(what: string): Buffer {
    return this.take(this.uint16(`${what} length`), what);
  }

  vector24(what: string): Buffer {
    return this.take(this.uint24(`${what} length`), what);
  }

  /** Throws RangeError unless every byte was read. */
  end(what: string): void {
    if (this.remaining !== 0)
      throw new RangeError(`${this.remaining} trailing bytes after ${what}`);
  }
}
