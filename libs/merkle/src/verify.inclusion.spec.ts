import { hashLeaf } from './rfc6962';
import { catchMerkleError, codeOf, flipBit, hex, toHexString } from './testing/helpers';
import { ReferenceTree, testLeafHashes } from './testing/reference';
import { INCLUSION_PROOFS, LEAF_INPUTS_HEX, ROOT_HASHES_HEX } from './testing/vectors';
import { rootFromInclusionProof, verifyInclusion } from './verify';

const MAX_SIZE = 300;
const reference = new ReferenceTree(testLeafHashes(MAX_SIZE));
const leaf = (i: number) => reference.leafHashes[i]!;
const root = (size: number) => reference.mth(0, size);
const kat = LEAF_INPUTS_HEX.map((input) => hashLeaf(hex(input)));

describe('rootFromInclusionProof', () => {
  it.each(INCLUSION_PROOFS)(
    'rebuilds the known root for leaf $leafIndex of $treeSize',
    ({ leafIndex, treeSize, proof }) => {
      // Vectors: transparency-dev/merkle@417fb0c testonly/reference_test.go and testonly/constants.go.
      const rootHash = rootFromInclusionProof(
        kat[Number(leafIndex)]!,
        leafIndex,
        treeSize,
        proof.map(hex),
      );
      expect(toHexString(rootHash)).toBe(ROOT_HASHES_HEX[Number(treeSize)]);
    },
  );

  it('returns a copy of the leaf hash for a one-leaf tree', () => {
    const rootHash = rootFromInclusionProof(leaf(0), 0n, 1n, []);
    expect(rootHash).not.toBe(leaf(0));
    expect(toHexString(rootHash)).toBe(toHexString(leaf(0)));
  });
});

describe('verifyInclusion', () => {
  it('accepts the reference PATH(m, D[n]) for every leaf of every tree size up to 300', () => {
    const failures: string[] = [];
    for (let n = 1; n <= MAX_SIZE; n++) {
      for (let m = 0; m < n; m++) {
        const code = codeOf(() =>
          verifyInclusion(leaf(m), BigInt(m), BigInt(n), reference.inclusionProof(m, n), root(n)),
        );
        if (code) failures.push(`leaf ${m} of ${n}: ${code}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('rejects every flipped bit, missing or extra hash, wrong index and wrong size (sizes up to 40)', () => {
    const failures: string[] = [];
    const expectCode = (what: string, want: string[], fn: () => unknown) => {
      const code = codeOf(fn);
      if (!code || !want.includes(code)) failures.push(`${what}: ${code}`);
    };
    for (let n = 1; n <= 40; n++) {
      for (let m = 0; m < n; m++) {
        const proof = reference.inclusionProof(m, n);
        const [size, index, what] = [BigInt(n), BigInt(m), `leaf ${m} of ${n}`];
        proof.forEach((_, i) => {
          const tampered = proof.map((hash, j) =>
            j === i ? flipBit(hash, (7 * i + m) % 256) : hash,
          );
          expectCode(`${what}, flipped hash ${i}`, ['ROOT_MISMATCH'], () =>
            verifyInclusion(leaf(m), index, size, tampered, root(n)),
          );
        });
        expectCode(`${what}, flipped leaf`, ['ROOT_MISMATCH'], () =>
          verifyInclusion(flipBit(leaf(m), 3), index, size, proof, root(n)),
        );
        expectCode(`${what}, extra hash`, ['WRONG_PROOF_SIZE'], () =>
          verifyInclusion(leaf(m), index, size, [...proof, leaf(0)], root(n)),
        );
        if (proof.length > 0) {
          expectCode(`${what}, missing hash`, ['WRONG_PROOF_SIZE'], () =>
            verifyInclusion(leaf(m), index, size, proof.slice(1), root(n)),
          );
        }
        for (let other = 0; other < n; other++) {
          if (other === m) continue;
          expectCode(`${what} as leaf ${other}`, ['ROOT_MISMATCH', 'WRONG_PROOF_SIZE'], () =>
            verifyInclusion(leaf(m), BigInt(other), size, proof, root(n)),
          );
        }
        for (let other = m + 1; other <= 40; other++) {
          if (other === n) continue;
          expectCode(`${what} as size ${other}`, ['ROOT_MISMATCH', 'WRONG_PROOF_SIZE'], () =>
            verifyInclusion(leaf(m), index, BigInt(other), proof, root(other)),
          );
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('says which check failed', () => {
    const proof = reference.inclusionProof(3, 9);
    expect(
      catchMerkleError(() => verifyInclusion(leaf(3), 3n, 9n, [...proof, leaf(0)], root(9))),
    ).toMatchObject({
      code: 'WRONG_PROOF_SIZE',
      message: 'inclusion proof has 5 hashes, expected 4 for leafIndex 3 in treeSize 9',
    });
    expect(
      catchMerkleError(() => verifyInclusion(leaf(3), 3n, 9n, proof.slice(0, 3), root(9))),
    ).toMatchObject({
      code: 'WRONG_PROOF_SIZE',
      message: 'inclusion proof has 3 hashes, expected 4 for leafIndex 3 in treeSize 9',
    });
    const wrongRoot = root(8);
    expect(
      catchMerkleError(() => verifyInclusion(leaf(3), 3n, 9n, proof, wrongRoot)),
    ).toMatchObject({
      code: 'ROOT_MISMATCH',
      message: `inclusion proof for leafIndex 3 in treeSize 9 leads to root ${toHexString(root(9))}, expected rootHash ${toHexString(wrongRoot)}`,
    });
    expect(catchMerkleError(() => verifyInclusion(leaf(3), 9n, 9n, proof, root(9)))).toMatchObject({
      code: 'INDEX_OUT_OF_RANGE',
      message: 'leafIndex 9 is out of range for treeSize 9 (requires 0 <= leafIndex < treeSize)',
    });
    expect(catchMerkleError(() => verifyInclusion(leaf(0), 0n, 0n, [], root(0)))).toMatchObject({
      code: 'INDEX_OUT_OF_RANGE',
      message: 'leafIndex 0 is out of range for treeSize 0 (requires 0 <= leafIndex < treeSize)',
    });
    expect(catchMerkleError(() => verifyInclusion(leaf(3), -1n, 9n, proof, root(9))).code).toBe(
      'INDEX_OUT_OF_RANGE',
    );
    expect(
      catchMerkleError(() => verifyInclusion(leaf(3), 3n, 1n << 64n, proof, root(9))).code,
    ).toBe('INVALID_SIZE');
  });

  it('rejects hashes that are not 32 bytes', () => {
    const proof = reference.inclusionProof(3, 9);
    expect(
      catchMerkleError(() => verifyInclusion(leaf(3).subarray(1), 3n, 9n, proof, root(9))),
    ).toMatchObject({
      code: 'INVALID_HASH',
      message: 'leafHash has 31 bytes, expected 32',
    });
    const short = [proof[0]!, proof[1]!, new Uint8Array(33), proof[3]!];
    expect(catchMerkleError(() => verifyInclusion(leaf(3), 3n, 9n, short, root(9)))).toMatchObject({
      code: 'INVALID_HASH',
      message: 'inclusion proof hash 2 has 33 bytes, expected 32',
    });
    expect(
      catchMerkleError(() => verifyInclusion(leaf(3), 3n, 9n, proof, new Uint8Array(0))),
    ).toMatchObject({
      code: 'INVALID_HASH',
      message: 'rootHash has 0 bytes, expected 32',
    });
  });
});
