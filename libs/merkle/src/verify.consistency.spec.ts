import { catchMerkleError, codeOf, flipBit, hex, toHexString } from './testing/helpers';
import { ReferenceTree, testLeafHashes } from './testing/reference';
import { CONSISTENCY_PROOFS, ROOT_HASHES_HEX } from './testing/vectors';
import { rootFromConsistencyProof, verifyConsistency } from './verify';

const MAX_SIZE = 300;
const reference = new ReferenceTree(testLeafHashes(MAX_SIZE));
const leaf = (i: number) => reference.leafHashes[i]!;
const root = (size: number) => reference.mth(0, size);

describe('rootFromConsistencyProof', () => {
  it.each(CONSISTENCY_PROOFS)(
    'rebuilds the known root from $size1 to $size2',
    ({ size1, size2, proof }) => {
      // Vectors: transparency-dev/merkle@417fb0c testonly/reference_test.go and testonly/constants.go.
      const root1 = hex(ROOT_HASHES_HEX[Number(size1)]!);
      expect(toHexString(rootFromConsistencyProof(size1, size2, proof.map(hex), root1))).toBe(
        ROOT_HASHES_HEX[Number(size2)],
      );
    },
  );
});

describe('verifyConsistency', () => {
  it('accepts the reference PROOF(m, D[n]) for every pair of sizes up to 300', () => {
    const failures: string[] = [];
    for (let n = 1; n <= MAX_SIZE; n++) {
      for (let m = 1; m <= n; m++) {
        const code = codeOf(() =>
          verifyConsistency(
            BigInt(m),
            BigInt(n),
            reference.consistencyProof(m, n),
            root(m),
            root(n),
          ),
        );
        if (code) failures.push(`${m} to ${n}: ${code}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('rejects every flipped bit, missing or extra hash, wrong roots and wrong sizes (sizes up to 40)', () => {
    const failures: string[] = [];
    const expectCode = (what: string, want: string[], fn: () => unknown) => {
      const code = codeOf(fn);
      if (!code || !want.includes(code)) failures.push(`${what}: ${code}`);
    };
    for (let n = 2; n <= 40; n++) {
      for (let m = 1; m < n; m++) {
        const proof = reference.consistencyProof(m, n);
        const [size1, size2, what] = [BigInt(m), BigInt(n), `${m} to ${n}`];
        proof.forEach((_, i) => {
          const tampered = proof.map((hash, j) =>
            j === i ? flipBit(hash, (5 * i + n) % 256) : hash,
          );
          expectCode(`${what}, flipped hash ${i}`, ['ROOT_MISMATCH'], () =>
            verifyConsistency(size1, size2, tampered, root(m), root(n)),
          );
        });
        expectCode(`${what}, extra hash`, ['WRONG_PROOF_SIZE'], () =>
          verifyConsistency(size1, size2, [...proof, leaf(0)], root(m), root(n)),
        );
        expectCode(`${what}, missing hash`, ['WRONG_PROOF_SIZE'], () =>
          verifyConsistency(size1, size2, proof.slice(1), root(m), root(n)),
        );
        expectCode(`${what}, wrong root1`, ['ROOT_MISMATCH'], () =>
          verifyConsistency(size1, size2, proof, root(m + 1), root(n)),
        );
        expectCode(`${what}, wrong root2`, ['ROOT_MISMATCH'], () =>
          verifyConsistency(size1, size2, proof, root(m), root(n - 1)),
        );
        for (let other = 1; other <= 40; other++) {
          if (other === m || other > n) continue;
          expectCode(`${what} as ${other} to ${n}`, ['ROOT_MISMATCH', 'WRONG_PROOF_SIZE'], () =>
            verifyConsistency(BigInt(other), size2, proof, root(other), root(n)),
          );
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('says which check failed', () => {
    const proof = reference.consistencyProof(6, 8);
    expect(
      catchMerkleError(() => verifyConsistency(6n, 8n, proof.slice(1), root(6), root(8))),
    ).toMatchObject({
      code: 'WRONG_PROOF_SIZE',
      message: 'consistency proof has 2 hashes, expected 3 for size1 6 and size2 8',
    });
    expect(
      catchMerkleError(() => verifyConsistency(6n, 8n, proof, root(5), root(8))),
    ).toMatchObject({
      code: 'ROOT_MISMATCH',
      message: `consistency proof from size1 6 to size2 8 leads to root1 ${toHexString(root(6))}, expected ${toHexString(root(5))}`,
    });
    expect(
      catchMerkleError(() => verifyConsistency(6n, 8n, proof, root(6), root(7))),
    ).toMatchObject({
      code: 'ROOT_MISMATCH',
      message: `consistency proof from size1 6 to size2 8 leads to root2 ${toHexString(root(8))}, expected ${toHexString(root(7))}`,
    });
    expect(catchMerkleError(() => verifyConsistency(9n, 8n, [], root(6), root(8)))).toMatchObject({
      code: 'INVALID_SIZE',
      message: 'size1 9 is greater than size2 8',
    });
  });

  // Edge cases follow transparency-dev/merkle@417fb0c proof/verify.go and its
  // testdata/consistency/additional/*.json: size1 = 0 is refused, equal sizes need an empty proof
  // and equal roots.
  it('accepts equal sizes with an empty proof and equal roots', () => {
    expect(() => verifyConsistency(1n, 1n, [], root(1), root(1))).not.toThrow();
    expect(() => verifyConsistency(300n, 300n, [], root(300), root(300))).not.toThrow();
  });

  it('rejects equal sizes with a proof or with different roots', () => {
    expect(
      catchMerkleError(() => verifyConsistency(1n, 1n, [root(1)], root(1), root(1))),
    ).toMatchObject({
      code: 'WRONG_PROOF_SIZE',
      message: 'consistency proof has 1 hashes, expected 0 for size1 = size2 = 1',
    });
    expect(catchMerkleError(() => verifyConsistency(1n, 1n, [], root(1), root(2)))).toMatchObject({
      code: 'ROOT_MISMATCH',
      message: `root1 ${toHexString(root(1))} and root2 ${toHexString(root(2))} differ although size1 = size2 = 1`,
    });
  });

  it('rejects an empty proof between different sizes', () => {
    expect(catchMerkleError(() => verifyConsistency(1n, 2n, [], root(1), root(2)))).toMatchObject({
      code: 'WRONG_PROOF_SIZE',
      message: 'consistency proof has 0 hashes, expected 1 for size1 1 and size2 2',
    });
  });

  it('refuses size1 = 0, even towards the empty tree', () => {
    const message =
      'size1 is 0: a consistency proof from the empty tree is meaningless (compare root1 with emptyRoot())';
    expect(catchMerkleError(() => verifyConsistency(0n, 1n, [], root(0), root(1)))).toMatchObject({
      code: 'INVALID_SIZE',
      message,
    });
    expect(catchMerkleError(() => verifyConsistency(0n, 0n, [], root(0), root(0)))).toMatchObject({
      code: 'INVALID_SIZE',
      message,
    });
  });

  it('rejects roots that are not 32 bytes', () => {
    expect(
      catchMerkleError(() => verifyConsistency(1n, 2n, [leaf(1)], root(1).subarray(2), root(2))),
    ).toMatchObject({
      code: 'INVALID_HASH',
      message: 'root1 has 30 bytes, expected 32',
    });
    expect(
      catchMerkleError(() => verifyConsistency(1n, 2n, [leaf(1)], root(1), new Uint8Array(64))),
    ).toMatchObject({
      code: 'INVALID_HASH',
      message: 'root2 has 64 bytes, expected 32',
    });
  });
});
