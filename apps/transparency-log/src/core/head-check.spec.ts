import { CompactRange, emptyRoot, hashLeaf } from '@app/merkle';
import type { LogTree } from '@app/schema';
import { headProblem } from './head-check';
import type { StoredCheckpoint, TreeHead } from './tree.repository';

const tree = { id: 7n } as LogTree;

/** The head of a tree of `size` leaves, as the log stores it. */
function headOf(size: number): TreeHead {
  const range = CompactRange.fromHashes(0n, []);
  for (let i = 0; i < size; i++) range.append(hashLeaf(Buffer.from(`leaf ${i}`)));
  return {
    tree,
    size: BigInt(size),
    rootHash: Buffer.from(range.root()),
    rightEdge: Buffer.concat(range.hashes),
    active: true,
  };
}

const signed = (head: TreeHead): StoredCheckpoint => ({
  treeSize: head.size,
  rootHash: head.rootHash,
  note: 'note',
});

describe(headProblem.name, () => {
  it('accepts a head whose edge hashes to its root, which is the newest signed checkpoint', () => {
    for (const size of [0, 1, 5, 256, 1000]) {
      const head = headOf(size);
      expect(headProblem(head, signed(head))).toBeUndefined();
    }
    expect(headOf(0).rootHash).toEqual(Buffer.from(emptyRoot()));
  });

  it('refuses a frozen tree', () => {
    const head = { ...headOf(3), active: false };
    expect(headProblem(head, signed(head))).toBe('tree 7 is frozen: its signing key was replaced');
  });

  it('refuses an edge changed behind its back (a fork in the making)', () => {
    const head = headOf(5);
    const forged = { ...head, rightEdge: Buffer.alloc(head.rightEdge.length, 0x11) };
    expect(headProblem(forged, signed(head))).toBe(
      'tree 7: the stored right edge does not hash to the stored root at size 5',
    );
  });

  it('refuses an edge of the wrong shape for the size', () => {
    const head = headOf(5);
    expect(headProblem({ ...head, rightEdge: head.rightEdge.subarray(32) }, signed(head))).toMatch(
      /^tree 7: the stored right edge does not fit size 5 /,
    );
  });

  it('refuses a head that is not the newest signed checkpoint, or has none', () => {
    const head = headOf(5);
    expect(headProblem(head, signed(headOf(4)))).toBe(
      'tree 7: the stored head (size 5) is not the newest signed checkpoint (size 4)',
    );
    expect(headProblem(head, { ...signed(head), rootHash: Buffer.alloc(32) })).toBe(
      'tree 7: the stored head (size 5) is not the newest signed checkpoint (size 5)',
    );
    expect(headProblem(head, undefined)).toBe('tree 7 has no signed checkpoint');
  });
});
