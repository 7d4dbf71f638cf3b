import { emptyRoot, hashChildren, hashLeaf, rootFromLeafHashes } from './rfc6962';
import { catchMerkleError, hex, toHexString } from './testing/helpers';
import { ReferenceTree, testLeafHashes } from './testing/reference';
import { LEAF_INPUTS_HEX, NODE_HASHES_HEX, ROOT_HASHES_HEX } from './testing/vectors';

describe('hashLeaf', () => {
  it('hashes with the 0x00 leaf prefix', () => {
    // transparency-dev/merkle@417fb0c rfc6962/rfc6962_test.go "RFC6962 Empty Leaf" and
    // "RFC6962 Leaf"; reproduce with `echo -n 004C313233343536 | xxd -r -p | sha256sum`.
    expect(toHexString(hashLeaf(new Uint8Array(0)))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
    expect(toHexString(hashLeaf(Buffer.from('L123456')))).toBe(
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    );
  });

  it('matches the leaf hashes of the 8-leaf test tree', () => {
    // transparency-dev/merkle@417fb0c testonly/constants.go LeafInputs -> NodeHashes[0].
    const leafHashes = LEAF_INPUTS_HEX.map((input) => toHexString(hashLeaf(hex(input))));
    expect(leafHashes).toEqual(NODE_HASHES_HEX[0]);
  });
});

describe('hashChildren', () => {
  it('hashes with the 0x01 node prefix', () => {
    // NodeHashes[1][0] = H(0x01 || NodeHashes[0][0] || NodeHashes[0][1]), testonly/constants.go.
    const [a, b] = NODE_HASHES_HEX[0]!.map(hex);
    expect(toHexString(hashChildren(a!, b!))).toBe(NODE_HASHES_HEX[1]![0]);
  });

  it('depends on the order of the children', () => {
    const [a, b] = NODE_HASHES_HEX[0]!.map(hex);
    expect(toHexString(hashChildren(b!, a!))).not.toBe(toHexString(hashChildren(a!, b!)));
  });

  it('rejects a child that is not 32 bytes', () => {
    const error = catchMerkleError(() => hashChildren(new Uint8Array(31), new Uint8Array(32)));
    expect(error).toMatchObject({
      code: 'INVALID_HASH',
      message: 'hashChildren needs two 32-byte hashes, got 31 and 32 bytes',
    });
  });
});

describe('emptyRoot', () => {
  it('is SHA-256 of the empty string', () => {
    // RFC 6962 §2.1: MTH({}) = SHA-256(); `echo -n | sha256sum`.
    expect(toHexString(emptyRoot())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('returns a fresh copy each time', () => {
    const root = emptyRoot();
    root[0] = 0;
    expect(emptyRoot()[0]).toBe(0xe3);
  });
});

describe('rootFromLeafHashes', () => {
  it('matches the known roots of the 8-leaf test tree for sizes 0..8', () => {
    // transparency-dev/merkle@417fb0c testonly/constants.go RootHashes.
    const leafHashes = LEAF_INPUTS_HEX.map((input) => hashLeaf(hex(input)));
    const roots = ROOT_HASHES_HEX.map((_, size) =>
      toHexString(rootFromLeafHashes(leafHashes.slice(0, size))),
    );
    expect(roots).toEqual(ROOT_HASHES_HEX);
  });

  it('equals the recursive MTH for every size up to 300', () => {
    const leafHashes = testLeafHashes(300);
    const reference = new ReferenceTree(leafHashes);
    for (let size = 0; size <= 300; size++) {
      expect(toHexString(rootFromLeafHashes(leafHashes.slice(0, size)))).toBe(
        toHexString(reference.mth(0, size)),
      );
    }
  });

  it('returns a copy for a single leaf', () => {
    const [leafHash] = testLeafHashes(1);
    const root = rootFromLeafHashes([leafHash!]);
    expect(root).not.toBe(leafHash);
    expect(toHexString(root)).toBe(toHexString(leafHash!));
  });

  it('rejects a leaf hash that is not 32 bytes', () => {
    const error = catchMerkleError(() =>
      rootFromLeafHashes([...testLeafHashes(2), new Uint8Array(33)]),
    );
    expect(error).toMatchObject({
      code: 'INVALID_HASH',
      message: 'leafHashes[2] has 33 bytes, expected 32',
    });
  });
});
