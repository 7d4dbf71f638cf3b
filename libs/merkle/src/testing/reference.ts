// A slow, obviously correct Merkle tree for tests: the recursive definitions of RFC 6962 §2.1
// (MTH, PATH, SUBPROOF) written out literally, with its own SHA-256 calls so that it shares no
// code with the fast implementation. Subtree hashes are memoised by leaf range.
import { createHash } from 'node:crypto';

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** RFC 6962 §2.1 leaf hash, SHA-256(0x00 || data), computed independently of rfc6962.ts. */
export function referenceLeafHash(data: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0x00), data);
}

/** Returns the test leaf hash of leaf i: the leaf hash of its index as 8 big-endian bytes. */
export function testLeafHash(i: number): Uint8Array {
  const data = Buffer.alloc(8);
  data.writeBigUInt64BE(BigInt(i));
  return referenceLeafHash(data);
}

/** Returns the test leaf hashes of leaves 0..count-1. */
export function testLeafHashes(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => testLeafHash(i));
}

/** The largest power of two strictly smaller than n (RFC 6962 §2.1 "k"). Requires n > 1. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Reference tree over a fixed list of leaf hashes; ranges are [begin, end) leaf indices. */
export class ReferenceTree {
  private readonly memo = new Map<string, Uint8Array>();

  constructor(readonly leafHashes: readonly Uint8Array[]) {}

  /** MTH(D[begin:end]). */
  mth(begin: number, end: number): Uint8Array {
    const key = `${begin}:${end}`;
    let hash = this.memo.get(key);
    if (hash) return hash;
    const n = end - begin;
    if (n === 0) {
      hash = sha256();
    } else if (n === 1) {
      hash = this.leafHashes[begin]!;
    } else {
      const k = splitPoint(n);
      hash = sha256(Uint8Array.of(0x01), this.mth(begin, begin + k), this.mth(begin + k, end));
    }
    this.memo.set(key, hash);
    return hash;
  }

  /** PATH(m, D[begin:end]) with m relative to begin. */
  path(m: number, begin: number, end: number): Uint8Array[] {
    const n = end - begin;
    if (n === 1) return [];
    const k = splitPoint(n);
    if (m < k) return [...this.path(m, begin, begin + k), this.mth(begin + k, end)];
    return [...this.path(m - k, begin + k, end), this.mth(begin, begin + k)];
  }

  /** SUBPROOF(m, D[begin:end], complete) with m relative to begin. */
  subproof(m: number, begin: number, end: number, complete: boolean): Uint8Array[] {
    const n = end - begin;
    if (m === n) return complete ? [] : [this.mth(begin, end)];
    const k = splitPoint(n);
    if (m <= k) return [...this.subproof(m, begin, begin + k, complete), this.mth(begin + k, end)];
    return [...this.subproof(m - k, begin + k, end, false), this.mth(begin, begin + k)];
  }

  /** The inclusion proof of leaf m in the tree of the first n leaves. */
  inclusionProof(m: number, n: number): Uint8Array[] {
    return this.path(m, 0, n);
  }

  /** The consistency proof PROOF(m, D[n]) = SUBPROOF(m, D[n], true), for 0 < m <= n. */
  consistencyProof(m: number, n: number): Uint8Array[] {
    return this.subproof(m, 0, n, true);
  }
}
