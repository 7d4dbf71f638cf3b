import fc from 'fast-check';

import { compactRangeNodes, nodeId, nodeRange, rangeNodes } from './nodes';
import { catchMerkleError } from './testing/helpers';

const ids = (pairs: Array<[number, number]>) =>
  pairs.map(([level, index]) => ({ level, index: BigInt(index) }));

describe('nodeId', () => {
  it('accepts levels 0..63 and indices that fit below 2^64', () => {
    expect(nodeId(63, 1n)).toEqual({ level: 63, index: 1n });
    expect(nodeId(0, (1n << 64n) - 1n)).toEqual({ level: 0, index: (1n << 64n) - 1n });
  });

  it('rejects bad levels and indices', () => {
    expect(catchMerkleError(() => nodeId(64, 0n))).toMatchObject({
      code: 'INVALID_NODE',
      message: 'node level 64 is out of range (requires 0 <= level <= 63)',
    });
    expect(catchMerkleError(() => nodeId(1.5, 0n)).code).toBe('INVALID_NODE');
    expect(catchMerkleError(() => nodeId(63, 2n))).toMatchObject({
      code: 'INVALID_NODE',
      message: 'node index 2 is out of range for level 63',
    });
    expect(catchMerkleError(() => nodeId(0, -1n)).code).toBe('INVALID_NODE');
  });
});

describe('nodeRange', () => {
  it('returns the leaves a node spans', () => {
    expect(nodeRange({ level: 0, index: 5n })).toEqual({ begin: 5n, end: 6n });
    expect(nodeRange({ level: 3, index: 2n })).toEqual({ begin: 16n, end: 24n });
  });
});

describe('rangeNodes', () => {
  it('covers a range with the fewest perfect subtrees, left to right', () => {
    // transparency-dev/merkle docs/compact_ranges.md: [3, 21) is covered by 3, [4,8), [8,16), [16,20), 20.
    expect(rangeNodes(3n, 21n)).toEqual(
      ids([
        [0, 3],
        [2, 1],
        [3, 1],
        [2, 4],
        [0, 20],
      ]),
    );
    expect(rangeNodes(5n, 5n)).toEqual([]);
  });

  it('tiles [begin, end) exactly with aligned subtrees that cannot be merged', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        (a, b) => {
          const [begin, end] = a <= b ? [a, b] : [b, a];
          const nodes = rangeNodes(begin, end);
          let position = begin;
          const contiguous = nodes.every((id, i) => {
            const range = nodeRange(id);
            const next = nodes[i + 1];
            // Two equal-level siblings with an even left index would form a bigger subtree.
            const mergeable = next !== undefined && next.level === id.level && id.index % 2n === 0n;
            const ok = range.begin === position && !mergeable;
            position = range.end;
            return ok;
          });
          // Returning false fails the property (cheaper than an expect per node).
          return contiguous && position === end;
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rejects an inverted range', () => {
    expect(catchMerkleError(() => rangeNodes(5n, 4n))).toMatchObject({
      code: 'INVALID_SIZE',
      message: 'range begin 5 is greater than its end 4',
    });
  });
});

describe('compactRangeNodes', () => {
  it('lists one peak per set bit of the size, largest first', () => {
    expect(compactRangeNodes(0n)).toEqual([]);
    // RFC 6962 §2.1.3 7-leaf tree: k = (2, 0), i = (1, 2), d6 = (0, 6).
    expect(compactRangeNodes(7n)).toEqual(
      ids([
        [2, 0],
        [1, 2],
        [0, 6],
      ]),
    );
    expect(compactRangeNodes(8n)).toEqual(ids([[3, 0]]));
    expect(compactRangeNodes((1n << 64n) - 1n)).toHaveLength(64);
  });

  it('rejects sizes outside 0..2^64-1', () => {
    expect(catchMerkleError(() => compactRangeNodes(1n << 64n))).toMatchObject({
      code: 'INVALID_SIZE',
      message: 'end 18446744073709551616 is out of range (requires 0 <= end < 2^64)',
    });
  });
});
