import { CompactRange } from './compact';
import { compactRangeNodes, nodeRange } from './nodes';
import { emptyRoot, hashLeaf } from './rfc6962';
import { catchMerkleError, hex, hexList, sameHashes, toHexString } from './testing/helpers';
import { ReferenceTree, testLeafHashes } from './testing/reference';
import { LEAF_INPUTS_HEX, NODE_HASHES_HEX, ROOT_HASHES_HEX } from './testing/vectors';

const MAX_SIZE = 300;
const reference = new ReferenceTree(testLeafHashes(MAX_SIZE));
const peaksOf = (size: number) =>
  compactRangeNodes(BigInt(size)).map((id) => {
    const { begin, end } = nodeRange(id);
    return reference.mth(Number(begin), Number(end));
  });

describe(CompactRange.name, () => {
  it('starts empty with the empty root', () => {
    const range = CompactRange.empty();
    expect(range.size).toBe(0n);
    expect(range.hashes).toEqual([]);
    expect(toHexString(range.root())).toBe(toHexString(emptyRoot()));
  });

  it('gives the known roots and right-edge hashes of the 8-leaf test tree', () => {
    // transparency-dev/merkle@417fb0c testonly/constants.go RootHashes and CompactTrees.
    const nh = NODE_HASHES_HEX;
    const compactTrees = [
      [nh[0]![0]],
      [nh[1]![0]],
      [nh[1]![0], nh[0]![2]],
      [nh[2]![0]],
      [nh[2]![0], nh[0]![4]],
      [nh[2]![0], nh[1]![2]],
      [nh[2]![0], nh[1]![2], nh[0]![6]],
      [nh[3]![0]],
    ];
    const range = CompactRange.empty();
    LEAF_INPUTS_HEX.forEach((input, i) => {
      range.append(hashLeaf(hex(input)));
      expect(toHexString(range.root())).toBe(ROOT_HASHES_HEX[i + 1]);
      expect(hexList(range.hashes)).toEqual(compactTrees[i]);
    });
  });

  it('matches MTH at every size up to 300 and visits every perfect node exactly once', () => {
    const range = CompactRange.empty();
    const visited = new Map<string, Uint8Array>();
    const failures: string[] = [];
    for (let size = 1; size <= MAX_SIZE; size++) {
      range.append(reference.leafHashes[size - 1]!, (level, index, hash) => {
        const key = `${level}/${index}`;
        if (visited.has(key)) failures.push(`visited ${key} twice`);
        visited.set(key, hash);
      });
      if (!sameHashes([range.root()], [reference.mth(0, size)])) failures.push(`root at ${size}`);
      if (!sameHashes(range.hashes, peaksOf(size))) failures.push(`hashes at ${size}`);
    }
    // A tree of 300 leaves has 300 + 150 + 75 + 37 + 18 + 9 + 4 + 2 + 1 perfect nodes.
    expect(visited.size).toBe(596);
    for (const [key, hash] of visited) {
      const [level, index] = key.split('/').map(Number);
      const { begin, end } = nodeRange({ level: level!, index: BigInt(index!) });
      if (!sameHashes([hash], [reference.mth(Number(begin), Number(end))]))
        failures.push(`node ${key}`);
    }
    expect(failures).toEqual([]);
  });

  it('resumes from stored peaks at any size', () => {
    const failures: string[] = [];
    for (let size = 0; size < MAX_SIZE; size += 7) {
      const range = CompactRange.fromHashes(BigInt(size), peaksOf(size));
      for (let next = size; next < Math.min(size + 40, MAX_SIZE); next++)
        range.append(reference.leafHashes[next]!);
      const end = Math.min(size + 40, MAX_SIZE);
      if (!sameHashes([range.root()], [reference.mth(0, end)]))
        failures.push(`from ${size} to ${end}`);
    }
    expect(failures).toEqual([]);
  });

  it('copies the leaf hash it stores and keeps clones independent', () => {
    const leafHash = new Uint8Array(reference.leafHashes[0]!);
    const range = CompactRange.empty();
    range.append(leafHash);
    leafHash.fill(0);
    expect(toHexString(range.root())).toBe(toHexString(reference.mth(0, 1)));
    const clone = range.clone();
    clone.append(reference.leafHashes[1]!);
    expect(range.size).toBe(1n);
    expect(toHexString(clone.root())).toBe(toHexString(reference.mth(0, 2)));
  });

  it('rejects a wrong number of hashes, a wrong hash length and a bad size', () => {
    expect(catchMerkleError(() => CompactRange.fromHashes(5n, peaksOf(4)))).toMatchObject({
      code: 'INVALID_SIZE',
      message: 'compact range of size 5 needs 2 hashes (one per set bit of the size), got 1',
    });
    expect(catchMerkleError(() => CompactRange.fromHashes(1n, [new Uint8Array(31)]))).toMatchObject(
      {
        code: 'INVALID_HASH',
        message: 'compact range hash 0 has 31 bytes, expected 32',
      },
    );
    expect(catchMerkleError(() => CompactRange.fromHashes(-1n, [])).code).toBe('INVALID_SIZE');
    expect(catchMerkleError(() => CompactRange.empty().append(new Uint8Array(3)))).toMatchObject({
      code: 'INVALID_HASH',
      message: 'leafHash has 3 bytes, expected 32',
    });
    const full = CompactRange.fromHashes(
      (1n << 64n) - 1n,
      Array.from({ length: 64 }, () => new Uint8Array(32)),
    );
    expect(catchMerkleError(() => full.append(new Uint8Array(32)))).toMatchObject({
      code: 'INVALID_SIZE',
      message:
        'size after append 18446744073709551616 is out of range (requires 0 <= size after append < 2^64)',
    });
  });
});
