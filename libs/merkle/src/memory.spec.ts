import { consistencyProof, inclusionProof, MemoryTree } from './memory';
import { hashLeaf } from './rfc6962';
import { catchMerkleError, hex, hexList, sameHashes, toHexString } from './testing/helpers';
import { ReferenceTree, testLeafHashes } from './testing/reference';
import {
  CONSISTENCY_PROOFS,
  INCLUSION_PROOFS,
  LEAF_INPUTS_HEX,
  ROOT_HASHES_HEX,
} from './testing/vectors';

const MAX_SIZE = 300;
const reference = new ReferenceTree(testLeafHashes(MAX_SIZE));
const tree = MemoryTree.fromLeafHashes(reference.leafHashes);
const kat = LEAF_INPUTS_HEX.map((input) => hashLeaf(hex(input)));

describe(MemoryTree.name, () => {
  it('gives the known roots and proofs of the 8-leaf test tree', () => {
    // transparency-dev/merkle@417fb0c testonly/constants.go and testonly/reference_test.go.
    const katTree = MemoryTree.fromLeafHashes(kat);
    expect(ROOT_HASHES_HEX.map((_, size) => toHexString(katTree.rootHash(BigInt(size))))).toEqual(
      ROOT_HASHES_HEX,
    );
    for (const { leafIndex, treeSize, proof } of INCLUSION_PROOFS) {
      expect(hexList(katTree.inclusionProof(leafIndex, treeSize))).toEqual(proof);
    }
    for (const { size1, size2, proof } of CONSISTENCY_PROOFS) {
      expect(hexList(katTree.consistencyProof(size1, size2))).toEqual(proof);
    }
  });

  it('matches the reference for roots up to size 300 and for every proof up to size 128', () => {
    const failures: string[] = [];
    for (let n = 1; n <= MAX_SIZE; n++) {
      if (!sameHashes([tree.rootHash(BigInt(n))], [reference.mth(0, n)]))
        failures.push(`root ${n}`);
      // Beyond 128 leaves, sample: the node-id recipes are checked exhaustively in proof.spec.ts.
      for (let m = 0; m < n; m += n <= 128 ? 1 : 17) {
        if (!sameHashes(tree.inclusionProof(BigInt(m), BigInt(n)), reference.inclusionProof(m, n)))
          failures.push(`leaf ${m} of ${n}`);
        if (
          !sameHashes(
            tree.consistencyProof(BigInt(m + 1), BigInt(n)),
            reference.consistencyProof(m + 1, n),
          )
        ) {
          failures.push(`${m + 1} to ${n}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('defaults to its own size and returns copies', () => {
    expect(tree.size).toBe(300n);
    expect(toHexString(tree.rootHash())).toBe(toHexString(reference.mth(0, 300)));
    const hash = tree.nodeHash({ level: 2, index: 1n });
    hash.fill(0);
    expect(toHexString(tree.nodeHash({ level: 2, index: 1n }))).toBe(
      toHexString(reference.mth(4, 8)),
    );
    expect(toHexString(new MemoryTree().rootHash())).toBe(toHexString(reference.mth(0, 0)));
  });

  it('rejects nodes and sizes beyond the tree', () => {
    expect(catchMerkleError(() => tree.nodeHash({ level: 2, index: 75n }))).toMatchObject({
      code: 'INVALID_NODE',
      message: 'node (level 2, index 75) is not a complete subtree of this tree of size 300',
    });
    expect(catchMerkleError(() => tree.rootHash(301n))).toMatchObject({
      code: 'INVALID_SIZE',
      message: "treeSize 301 is greater than the tree's size 300",
    });
    expect(catchMerkleError(() => tree.inclusionProof(3n, 301n)).code).toBe('INVALID_SIZE');
    expect(catchMerkleError(() => tree.consistencyProof(3n, 301n)).code).toBe('INVALID_SIZE');
    expect(catchMerkleError(() => tree.inclusionProof(300n)).code).toBe('INDEX_OUT_OF_RANGE');
  });
});

describe('inclusionProof', () => {
  it('matches the reference for every leaf of every tree size up to 64', () => {
    const leafHashes = reference.leafHashes.slice(0, 64);
    const failures: string[] = [];
    for (let n = 1; n <= 64; n++) {
      for (let m = 0; m < n; m++) {
        if (
          !sameHashes(
            inclusionProof(leafHashes, BigInt(m), BigInt(n)),
            reference.inclusionProof(m, n),
          )
        )
          failures.push(`leaf ${m} of ${n}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('gives the known proofs of the 8-leaf test tree', () => {
    for (const { leafIndex, treeSize, proof } of INCLUSION_PROOFS) {
      expect(hexList(inclusionProof(kat, leafIndex, treeSize))).toEqual(proof);
    }
  });

  it('rejects a treeSize beyond the list', () => {
    expect(catchMerkleError(() => inclusionProof(kat, 0n, 9n))).toMatchObject({
      code: 'INVALID_SIZE',
      message: 'treeSize 9 is greater than the 8 leaf hashes given',
    });
  });
});

describe('consistencyProof', () => {
  it('matches the reference for every pair of sizes up to 64', () => {
    const leafHashes = reference.leafHashes.slice(0, 64);
    const failures: string[] = [];
    for (let n = 1; n <= 64; n++) {
      for (let m = 1; m <= n; m++) {
        if (
          !sameHashes(
            consistencyProof(leafHashes, BigInt(m), BigInt(n)),
            reference.consistencyProof(m, n),
          )
        )
          failures.push(`${m} to ${n}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('gives the known proofs of the 8-leaf test tree', () => {
    for (const { size1, size2, proof } of CONSISTENCY_PROOFS) {
      expect(hexList(consistencyProof(kat, size1, size2))).toEqual(proof);
    }
  });

  it('rejects a size2 beyond the list', () => {
    expect(catchMerkleError(() => consistencyProof(kat, 1n, 9n))).toMatchObject({
      code: 'INVALID_SIZE',
      message: 'size2 9 is greater than the 8 leaf hashes given',
    });
  });
});
