import {
  bitLength,
  bytesEqual,
  checkSize,
  copyBytes,
  popCount,
  toHex,
  trailingZeros,
} from './bits';
import { MerkleError } from './errors';
import { checkHash, hashChildren } from './rfc6962';

/**
 * Returns the root hash that an inclusion proof implies for leaf `leafHash` at `leafIndex` in the
 * tree of `treeSize` leaves (RFC 9162 §2.1.3.2, equivalent to the RFC's loop). Requires
 * `0 <= leafIndex < treeSize < 2^64` (`INDEX_OUT_OF_RANGE`, `INVALID_SIZE`), 32-byte hashes
 * (`INVALID_HASH`) and exactly as many proof hashes as the index and size call for
 * (`WRONG_PROOF_SIZE`).
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  leafIndex: bigint,
  treeSize: bigint,
  proof: readonly Uint8Array[],
): Uint8Array {
  checkSize('treeSize', treeSize);
  if (leafIndex < 0n || leafIndex >= treeSize) {
    throw new MerkleError(
      'INDEX_OUT_OF_RANGE',
      `leafIndex ${leafIndex} is out of range for treeSize ${treeSize} (requires 0 <= leafIndex < treeSize)`,
    );
  }
  checkHash('leafHash', leafHash);
  // `inner` levels lie below the point where the leaf's path joins the right edge; above it only
  // left siblings exist, one per set bit of the remaining index.
  const inner = bitLength(leafIndex ^ (treeSize - 1n));
  const expected = inner + popCount(leafIndex >> BigInt(inner));
  if (proof.length !== expected) {
    throw new MerkleError(
      'WRONG_PROOF_SIZE',
      `inclusion proof has ${proof.length} hashes, expected ${expected} for leafIndex ${leafIndex} in treeSize ${treeSize}`,
    );
  }
  checkProofHashes('inclusion proof', proof);
  const root = chainBorder(chainInner(leafHash, proof, 0, inner, leafIndex), proof, inner);
  // A one-leaf tree's root is the leaf hash itself: hand back a copy, not the caller's array.
  return root === leafHash ? copyBytes(root) : root;
}

/**
 * Checks that `proof` proves leaf `leafHash` at `leafIndex` in the tree of `treeSize` leaves with
 * root `rootHash` (RFC 9162 §2.1.3.2). Returns nothing; throws {@link MerkleError} `ROOT_MISMATCH`
 * if the proof leads to another root, or any error of {@link rootFromInclusionProof}.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  leafIndex: bigint,
  treeSize: bigint,
  proof: readonly Uint8Array[],
  rootHash: Uint8Array,
): void {
  checkHash('rootHash', rootHash);
  const computed = rootFromInclusionProof(leafHash, leafIndex, treeSize, proof);
  if (!bytesEqual(computed, rootHash)) {
    throw new MerkleError(
      'ROOT_MISMATCH',
      `inclusion proof for leafIndex ${leafIndex} in treeSize ${treeSize} leads to root ${toHex(computed)}, expected rootHash ${toHex(rootHash)}`,
    );
  }
}

/**
 * Returns the root hash of the tree of `size2` leaves that a consistency proof implies, after
 * checking that the proof also reproduces `root1`, the root of the first `size1` leaves
 * (RFC 9162 §2.1.4.2, equivalent to the RFC's loop). An empty proof with `size1 === size2`
 * returns `root1`. Requires `0 < size1 <= size2 < 2^64` (`INVALID_SIZE`; size1 = 0 is refused as
 * in transparency-dev/merkle, see `consistencyNodes`), 32-byte hashes (`INVALID_HASH`) and the
 * exact proof length (`WRONG_PROOF_SIZE`); throws `ROOT_MISMATCH` if the proof does not yield root1.
 */
export function rootFromConsistencyProof(
  size1: bigint,
  size2: bigint,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
): Uint8Array {
  checkSize('size1', size1);
  checkSize('size2', size2);
  if (size1 > size2) {
    throw new MerkleError('INVALID_SIZE', `size1 ${size1} is greater than size2 ${size2}`);
  }
  if (size1 === 0n) {
    throw new MerkleError(
      'INVALID_SIZE',
      'size1 is 0: a consistency proof from the empty tree is meaningless (compare root1 with emptyRoot())',
    );
  }
  checkHash('root1', root1);
  if (size1 === size2) {
    if (proof.length !== 0) {
      throw new MerkleError(
        'WRONG_PROOF_SIZE',
        `consistency proof has ${proof.length} hashes, expected 0 for size1 = size2 = ${size1}`,
      );
    }
    return copyBytes(root1);
  }
  // The proof starts at the old tree's smallest peak, then climbs like an inclusion proof of it.
  const level = trailingZeros(size1);
  const index = (size1 - 1n) >> BigInt(level);
  // A power-of-two old tree is its own peak: the verifier already holds it as root1.
  const start = index === 0n ? 0 : 1;
  const inner = bitLength(index ^ ((size2 - 1n) >> BigInt(level)));
  const expected = start + inner + popCount(index >> BigInt(inner));
  if (proof.length !== expected) {
    throw new MerkleError(
      'WRONG_PROOF_SIZE',
      `consistency proof has ${proof.length} hashes, expected ${expected} for size1 ${size1} and size2 ${size2}`,
    );
  }
  checkProofHashes('consistency proof', proof);
  const seed = start === 0 ? root1 : proof[0]!;
  // Left siblings on the path are exactly the old tree's other peaks; right ones are new leaves.
  let old = seed;
  let position = index;
  for (let i = 0; i < inner; i++, position >>= 1n) {
    if ((position & 1n) === 1n) old = hashChildren(proof[start + i]!, old);
  }
  old = chainBorder(old, proof, start + inner);
  if (!bytesEqual(old, root1)) {
    throw new MerkleError(
      'ROOT_MISMATCH',
      `consistency proof from size1 ${size1} to size2 ${size2} leads to root1 ${toHex(old)}, expected ${toHex(root1)}`,
    );
  }
  return chainBorder(chainInner(seed, proof, start, inner, index), proof, start + inner);
}

/**
 * Checks that `proof` shows the tree of `size2` leaves with root `root2` extends the tree of
 * `size1` leaves with root `root1` (RFC 9162 §2.1.4.2). Returns nothing; throws
 * {@link MerkleError} `ROOT_MISMATCH` naming the root that failed, or any error of
 * {@link rootFromConsistencyProof}.
 */
export function verifyConsistency(
  size1: bigint,
  size2: bigint,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  checkHash('root2', root2);
  const computed = rootFromConsistencyProof(size1, size2, proof, root1);
  if (!bytesEqual(computed, root2)) {
    throw new MerkleError(
      'ROOT_MISMATCH',
      size1 === size2
        ? `root1 ${toHex(root1)} and root2 ${toHex(root2)} differ although size1 = size2 = ${size1}`
        : `consistency proof from size1 ${size1} to size2 ${size2} leads to root2 ${toHex(computed)}, expected ${toHex(root2)}`,
    );
  }
}

function checkProofHashes(what: string, proof: readonly Uint8Array[]): void {
  for (let i = 0; i < proof.length; i++) checkHash(`${what} hash ${i}`, proof[i]!);
}

/** Hashes `seed` up `count` levels with proof[start...]; bit i of `index` says which side it is on. */
function chainInner(
  seed: Uint8Array,
  proof: readonly Uint8Array[],
  start: number,
  count: number,
  index: bigint,
): Uint8Array {
  let hash = seed;
  for (let i = 0; i < count; i++, index >>= 1n) {
    const sibling = proof[start + i]!;
    hash = (index & 1n) === 1n ? hashChildren(sibling, hash) : hashChildren(hash, sibling);
  }
  return hash;
}

/** Hashes `seed` with every remaining proof hash as a left sibling (the right-edge part). */
function chainBorder(seed: Uint8Array, proof: readonly Uint8Array[], start: number): Uint8Array {
  let hash = seed;
  for (let i = start; i < proof.length; i++) hash = hashChildren(proof[i]!, hash);
  return hash;
}
