import fc from 'fast-check';

import { type NodeId, nodeRange } from './nodes';
import { consistencyNodes, inclusionNodes, ProofNodes } from './proof';
import { catchMerkleError, codeOf, sameHashes } from './testing/helpers';
import { ReferenceTree, testLeafHashes } from './testing/reference';
import { rootFromConsistencyProof, rootFromInclusionProof } from './verify';

const MAX_SIZE = 300;
const reference = new ReferenceTree(testLeafHashes(MAX_SIZE));
const ids = (pairs: Array<[number, number]>): NodeId[] =>
  pairs.map(([level, index]) => ({ level, index: BigInt(index) }));
const hashesOf = (nodes: ProofNodes) =>
  nodes.ids.map((id) => {
    const { begin, end } = nodeRange(id);
    return reference.mth(Number(begin), Number(end));
  });
const dummyProof = (length: number) => Array.from({ length }, () => new Uint8Array(32));

/** Returns whether every id is a distinct perfect subtree inside the tree. */
function storedNodes(nodes: ProofNodes, treeSize: bigint): boolean {
  const seen = new Set(nodes.ids.map((id) => `${id.level}/${id.index}`));
  return seen.size === nodes.ids.length && nodes.ids.every((id) => nodeRange(id).end <= treeSize);
}

describe('inclusionNodes', () => {
  // RFC 6962 §2.1.3, 7-leaf example: "The audit path for d0 is [b, h, l]", "for d3 is [c, g, l]",
  // "for d4 is [f, j, k]", "for d6 is [i, k]"; l = MTH(D[4:7]) is ephemeral, built from j = d6 and i.
  it.each([
    [
      0n,
      ids([
        [0, 1],
        [1, 1],
        [0, 6],
        [1, 2],
      ]),
      { id: { level: 2, index: 1n }, begin: 2, end: 4 },
    ],
    [
      3n,
      ids([
        [0, 2],
        [1, 0],
        [0, 6],
        [1, 2],
      ]),
      { id: { level: 2, index: 1n }, begin: 2, end: 4 },
    ],
    [
      4n,
      ids([
        [0, 5],
        [0, 6],
        [2, 0],
      ]),
      undefined,
    ],
    [
      6n,
      ids([
        [1, 2],
        [2, 0],
      ]),
      undefined,
    ],
  ])('gives the RFC 6962 audit path nodes for leaf %s of 7', (leafIndex, expected, ephemeral) => {
    const nodes = inclusionNodes(leafIndex, 7n);
    expect(nodes.ids).toEqual(expected);
    expect(nodes.ephemeral).toEqual(ephemeral);
  });

  it('rebuilds PATH(m, D[n]) for every leaf of every tree size up to 300', () => {
    const failures: string[] = [];
    for (let n = 1; n <= MAX_SIZE; n++) {
      for (let m = 0; m < n; m++) {
        const nodes = inclusionNodes(BigInt(m), BigInt(n));
        const proof = nodes.rehash(hashesOf(nodes));
        const ok =
          sameHashes(proof, reference.inclusionProof(m, n)) && proof.length === nodes.proofSize;
        if (!ok || !storedNodes(nodes, BigInt(n))) failures.push(`leaf ${m} of ${n}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('has the length the verifier expects, for sizes up to 2^64 - 1', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        (size, seed) => {
          const leafIndex = seed % size;
          const nodes = inclusionNodes(leafIndex, size);
          expect(storedNodes(nodes, size)).toBe(true);
          expect(() =>
            rootFromInclusionProof(
              new Uint8Array(32),
              leafIndex,
              size,
              dummyProof(nodes.proofSize),
            ),
          ).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects an index outside the tree and bad sizes', () => {
    expect(catchMerkleError(() => inclusionNodes(9n, 9n))).toMatchObject({
      code: 'INDEX_OUT_OF_RANGE',
      message: 'leafIndex 9 is out of range for treeSize 9 (requires 0 <= leafIndex < treeSize)',
    });
    expect(catchMerkleError(() => inclusionNodes(-1n, 9n)).code).toBe('INDEX_OUT_OF_RANGE');
    expect(catchMerkleError(() => inclusionNodes(0n, 0n)).code).toBe('INDEX_OUT_OF_RANGE');
    expect(catchMerkleError(() => inclusionNodes(0n, 1n << 64n))).toMatchObject({
      code: 'INVALID_SIZE',
      message: 'treeSize 18446744073709551616 is out of range (requires 0 <= treeSize < 2^64)',
    });
  });
});

describe('consistencyNodes', () => {
  // RFC 6962 §2.1.3 example: "PROOF(3, D[7]) = [c, d, g, l]", "PROOF(4, D[7]) = [l]",
  // "PROOF(6, D[7]) = [i, j, k]".
  it.each([
    [
      3n,
      ids([
        [0, 2],
        [0, 3],
        [1, 0],
        [0, 6],
        [1, 2],
      ]),
      { id: { level: 2, index: 1n }, begin: 3, end: 5 },
    ],
    [
      4n,
      ids([
        [0, 6],
        [1, 2],
      ]),
      { id: { level: 2, index: 1n }, begin: 0, end: 2 },
    ],
    [
      6n,
      ids([
        [1, 2],
        [0, 6],
        [2, 0],
      ]),
      undefined,
    ],
  ])('gives the RFC 6962 consistency proof nodes from %s to 7', (size1, expected, ephemeral) => {
    const nodes = consistencyNodes(size1, 7n);
    expect(nodes.ids).toEqual(expected);
    expect(nodes.ephemeral).toEqual(ephemeral);
  });

  it('rebuilds PROOF(m, D[n]) for every pair of sizes up to 300', () => {
    const failures: string[] = [];
    for (let n = 1; n <= MAX_SIZE; n++) {
      for (let m = 1; m <= n; m++) {
        const nodes = consistencyNodes(BigInt(m), BigInt(n));
        const proof = nodes.rehash(hashesOf(nodes));
        const ok =
          sameHashes(proof, reference.consistencyProof(m, n)) && proof.length === nodes.proofSize;
        if (!ok || !storedNodes(nodes, BigInt(n))) failures.push(`${m} to ${n}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('has the length the verifier expects, for sizes up to 2^64 - 1', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }),
        fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }),
        (a, b) => {
          const [size1, size2] = a <= b ? [a, b] : [b, a];
          const nodes = consistencyNodes(size1, size2);
          expect(storedNodes(nodes, size2)).toBe(true);
          // Dummy hashes may fail to reproduce root1; only a size complaint would be a bug here.
          const code = codeOf(() =>
            rootFromConsistencyProof(size1, size2, dummyProof(nodes.proofSize), new Uint8Array(32)),
          );
          expect([undefined, 'ROOT_MISMATCH']).toContain(code);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is empty for equal sizes', () => {
    expect(consistencyNodes(5n, 5n).ids).toEqual([]);
  });

  it('refuses size1 = 0 and size1 > size2, like transparency-dev/merkle', () => {
    expect(catchMerkleError(() => consistencyNodes(0n, 5n))).toMatchObject({
      code: 'INVALID_SIZE',
      message:
        'size1 is 0: a consistency proof from the empty tree is meaningless (compare root1 with emptyRoot())',
    });
    expect(catchMerkleError(() => consistencyNodes(0n, 0n)).code).toBe('INVALID_SIZE');
    expect(catchMerkleError(() => consistencyNodes(6n, 5n))).toMatchObject({
      code: 'INVALID_SIZE',
      message: 'size1 6 is greater than size2 5',
    });
  });
});

describe(ProofNodes.name, () => {
  it('folds the ephemeral parts right to left with the given combiner', () => {
    const nodes = new ProofNodes(
      ids([
        [0, 0],
        [0, 6],
        [1, 2],
        [2, 0],
      ]),
      { id: { level: 2, index: 1n }, begin: 1, end: 3 },
    );
    const labels = ['a', 'j', 'i', 'k'].map((label) => Buffer.from(label));
    const proof = nodes.rehash(labels, (left, right) =>
      Buffer.from(`(${Buffer.from(left).toString()}${Buffer.from(right).toString()})`),
    );
    expect(proof.map((hash) => Buffer.from(hash).toString())).toEqual(['a', '(ij)', 'k']);
    expect(nodes.proofSize).toBe(3);
  });

  it('rejects a hash count that does not match the ids', () => {
    const nodes = inclusionNodes(0n, 7n);
    expect(catchMerkleError(() => nodes.rehash(dummyProof(3)))).toMatchObject({
      code: 'WRONG_PROOF_SIZE',
      message: 'rehash got 3 hashes, expected one per node id (4)',
    });
  });

  it('rejects an ephemeral range that is not inside the ids', () => {
    expect(
      catchMerkleError(
        () => new ProofNodes(ids([[0, 1]]), { id: { level: 1, index: 0n }, begin: 0, end: 2 }),
      ),
    ).toMatchObject({
      code: 'INVALID_NODE',
      message: 'ephemeral node range [0, 2) must hold at least 2 of the 1 node ids',
    });
  });
});
