import { bitLength, checkSize, trailingZeros } from './bits';
import { MerkleError } from './errors';
import { type NodeId, rangeNodes } from './nodes';
import { type HashChildren, hashChildren } from './rfc6962';

/**
 * The one proof node that no storage holds: the root of the incomplete subtree on the right edge
 * of a tree whose size is not a power of two. `ids[begin:end]` of its {@link ProofNodes} are the
 * perfect subtrees it is hashed from, ordered from the lowest (rightmost) to the highest.
 */
export interface EphemeralNode {
  /** Position the node would have if the tree were perfect. */
  readonly id: NodeId;
  readonly begin: number;
  readonly end: number;
}

/**
 * Recipe for an inclusion or consistency proof: the stored nodes to read, then how to fold the
 * ephemeral node (if any) out of some of them. A storage-backed log reads the hashes of `ids`,
 * in order, and passes them to {@link ProofNodes.rehash} to get the proof.
 */
export class ProofNodes {
  /**
   * Requires, when `ephemeral` is given, `0 <= ephemeral.begin`, `ephemeral.begin + 2 <= ephemeral.end`
   * and `ephemeral.end <= ids.length`; throws `INVALID_NODE` otherwise.
   */
  constructor(
    /** Perfect-subtree nodes whose hashes the proof is built from, in proof order. */
    readonly ids: readonly NodeId[],
    /** The node folded from `ids[begin:end]`, or undefined when every proof hash is stored. */
    readonly ephemeral?: EphemeralNode,
  ) {
    if (
      ephemeral &&
      !(ephemeral.begin >= 0 && ephemeral.begin + 2 <= ephemeral.end && ephemeral.end <= ids.length)
    ) {
      throw new MerkleError(
        'INVALID_NODE',
        `ephemeral node range [${ephemeral.begin}, ${ephemeral.end}) must hold at least 2 of the ${ids.length} node ids`,
      );
    }
  }

  /** Returns how many hashes the finished proof has. */
  get proofSize(): number {
    const e = this.ephemeral;
    return e ? this.ids.length - (e.end - e.begin - 1) : this.ids.length;
  }

  /**
   * Returns the proof: `hashes` (the hashes of {@link ids}, same order) with the ephemeral node's
   * parts folded into one hash with `combine`. Requires `hashes.length === ids.length`; throws
   * `WRONG_PROOF_SIZE` otherwise. Does not modify `hashes`.
   */
  rehash(hashes: readonly Uint8Array[], combine: HashChildren = hashChildren): Uint8Array[] {
    if (hashes.length !== this.ids.length) {
      throw new MerkleError(
        'WRONG_PROOF_SIZE',
        `rehash got ${hashes.length} hashes, expected one per node id (${this.ids.length})`,
      );
    }
    const e = this.ephemeral;
    if (!e) return hashes.slice();
    const proof = hashes.slice(0, e.begin);
    let hash = hashes[e.begin]!;
    // Parts run right to left, so each next one is the left sibling of what is folded so far.
    for (let i = e.begin + 1; i < e.end; i++) hash = combine(hashes[i]!, hash);
    proof.push(hash);
    for (let i = e.end; i < hashes.length; i++) proof.push(hashes[i]!);
    return proof;
  }
}

/**
 * Returns the nodes of the inclusion proof (audit path) of leaf `leafIndex` in the tree of
 * `treeSize` leaves: PATH(m, D[n]) of RFC 6962 §2.1.1 / RFC 9162 §2.1.3.1. Requires
 * `0 <= leafIndex < treeSize < 2^64`; throws `INDEX_OUT_OF_RANGE` or `INVALID_SIZE` otherwise.
 */
export function inclusionNodes(leafIndex: bigint, treeSize: bigint): ProofNodes {
  checkSize('treeSize', treeSize);
  if (leafIndex < 0n || leafIndex >= treeSize) {
    throw new MerkleError(
      'INDEX_OUT_OF_RANGE',
      `leafIndex ${leafIndex} is out of range for treeSize ${treeSize} (requires 0 <= leafIndex < treeSize)`,
    );
  }
  return pathNodes(0, leafIndex, treeSize, false);
}

/**
 * Returns the nodes of the consistency proof between the trees of `size1` and `size2` leaves:
 * PROOF(m, D[n]) of RFC 6962 §2.1.2 / RFC 9162 §2.1.4.1. Empty when `size1 === size2`. Requires
 * `0 < size1 <= size2 < 2^64`; throws `INVALID_SIZE` otherwise. Like transparency-dev/merkle
 * (`proof.Consistency`), a proof from the empty tree is refused: RFC 9162 defines none for
 * size1 = 0, as every tree extends the empty tree (a caller checks root1 = `emptyRoot()` instead).
 */
export function consistencyNodes(size1: bigint, size2: bigint): ProofNodes {
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
  if (size1 === size2) return new ProofNodes([]);
  // The old tree's smallest peak: the perfect subtree ending at leaf size1 - 1. The proof is that
  // node (omitted when it is the whole old tree, whose root the verifier already has) followed by
  // its inclusion path in the new tree: SUBPROOF unrolled.
  const level = trailingZeros(size1);
  const index = (size1 - 1n) >> BigInt(level);
  return pathNodes(level, index, size2, index !== 0n);
}

/**
 * Nodes proving that perfect node (level, index) is in the tree of `treeSize` leaves, preceded by
 * that node itself when `withSeed`.
 */
function pathNodes(level: number, index: bigint, treeSize: bigint, withSeed: boolean): ProofNodes {
  const ids: NodeId[] = withSeed ? [{ level, index }] : [];
  // Below `inner` levels up, the path to this node and the path to the last leaf part ways.
  const lastIndex = (treeSize - 1n) >> BigInt(level);
  const inner = bitLength(index ^ lastIndex);
  let position = index;
  let current = level;
  // Siblings under the fork are perfect: they sit in the fork's left child, left of the last leaf.
  for (; current < level + inner - 1; current++, position >>= 1n) {
    ids.push({ level: current, index: position ^ 1n });
  }
  let ephemeral: EphemeralNode | undefined;
  if (inner > 0) {
    // The fork's right child holds the last leaf, so it may be incomplete: cover it with
    // perfect subtrees, lowest first so that rehash can fold them right to left.
    const sibling = position ^ 1n;
    const parts = rangeNodes(sibling << BigInt(current), treeSize).reverse();
    if (parts.length > 1) {
      ephemeral = {
        id: { level: current, index: sibling },
        begin: ids.length,
        end: ids.length + parts.length,
      };
    }
    ids.push(...parts);
    current++;
    position >>= 1n;
  }
  // From the fork up the path follows the right edge: a node there has a sibling only on its left.
  for (; position > 0n; current++, position >>= 1n) {
    if ((position & 1n) === 1n) ids.push({ level: current, index: position - 1n });
  }
  return new ProofNodes(ids, ephemeral);
}
