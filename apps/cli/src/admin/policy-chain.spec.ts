import { policyDigest, policySnapshotBytes, policyStatementBytes } from '@app/signing';
import { checkChain, type StoredVersion } from './policy-chain';
import { snapshotOf, storedChain } from './testing';

describe(checkChain.name, () => {
  it('accepts a chain 1..N in any order and rebuilds each version statement', () => {
    const stored = storedChain(3);
    const { versions, problems } = checkChain([...stored].reverse());
    expect(problems).toEqual([]);
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
    const snapshot = snapshotOf(2, stored[0]!.digest);
    expect(Buffer.from(versions[1]!.statement!)).toEqual(
      Buffer.from(policyStatementBytes(snapshot, stored[1]!.digest)),
    );
  });

  it('names a version whose snapshot was altered after it was hashed', () => {
    const stored = storedChain(3);
    const text = Buffer.from(stored[1]!.snapshotBytes)
      .toString('utf8')
      .replace('dev@example.com', '*');
    const tampered = { ...stored[1]!, snapshotBytes: Buffer.from(text) };
    const { problems, versions } = checkChain([stored[0]!, tampered, stored[2]!]);
    expect(problems).toEqual([
      {
        version: 2,
        problem: `its snapshot hashes to ${policyDigest(tampered.snapshotBytes)}, not to its digest ${stored[1]!.digest}: it was altered`,
      },
    ]);
    // The statement rebuilt is the altered one: the log will not hold it.
    expect(versions[1]!.digest).toBe(policyDigest(tampered.snapshotBytes));
  });

  it('names a version missing from the chain, and one missing at the start', () => {
    const stored = storedChain(4);
    expect(checkChain([stored[0]!, stored[2]!, stored[3]!]).problems).toEqual([
      { version: 2, problem: 'missing from the chain (the head is version 4)' },
    ]);
    expect(checkChain(stored.slice(1)).problems).toEqual([
      { version: 1, problem: 'missing from the chain (the head is version 4)' },
    ]);
    expect(checkChain([]).problems).toEqual([
      { version: null, problem: 'the CA serves no policy version' },
    ]);
  });

  it('names a version whose previous digest is not the version before it (a fork)', () => {
    const stored = storedChain(2);
    const forkPrevious = 'f'.repeat(64);
    const bytes = policySnapshotBytes(snapshotOf(3, forkPrevious));
    const fork: StoredVersion = {
      version: 3,
      digest: policyDigest(bytes),
      previous: forkPrevious,
      snapshotBytes: bytes,
    };
    expect(checkChain([...stored, fork]).problems).toEqual([
      {
        version: 3,
        problem: `its previous digest ${forkPrevious} is not version 2's digest ${stored[1]!.digest}: the history forks`,
      },
    ]);
  });

  it('names snapshots that are not canonical, not JSON, or of another version', () => {
    const [v1] = storedChain(1);
    const pretty = Buffer.from(
      JSON.stringify(JSON.parse(Buffer.from(v1!.snapshotBytes).toString()), null, 1),
    );
    expect(
      checkChain([{ ...v1!, snapshotBytes: pretty, digest: policyDigest(pretty) }]).problems,
    ).toEqual([
      {
        version: 1,
        problem: 'its snapshot is not canonical JSON (RFC 8785), so its digest is not well defined',
      },
    ]);
    const junk = Buffer.from('not json');
    expect(
      checkChain([{ ...v1!, snapshotBytes: junk, digest: policyDigest(junk) }]).problems,
    ).toEqual([{ version: 1, problem: 'its snapshot is not JSON' }]);
    const other = policySnapshotBytes(snapshotOf(7, null));
    expect(
      checkChain([{ ...v1!, snapshotBytes: other, digest: policyDigest(other) }]).problems,
    ).toEqual([{ version: 1, problem: 'its snapshot names version 7' }]);
  });
});
