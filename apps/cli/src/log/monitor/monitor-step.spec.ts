import { createHash } from 'node:crypto';
import { CompactRange, hashLeaf, MemoryTree } from '@app/merkle';
import { generateKeyPair, policyStatementOf } from '@app/signing';
import type { FollowedEntry, FollowedLog, SignedHead } from './followed-logs';
import { monitorStep, type StepOptions } from './monitor-step';
import type { LogState } from './monitor-state';
import { readRekorBody } from './entry-material';
import { expectedStatements } from './policy-watch';

/** A Rekor v1 hashedrekord body signed (as far as the matcher cares) by `pem`. */
const hashedrekord = (digest: string, pem: string): Uint8Array =>
  Buffer.from(
    JSON.stringify({
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm: 'sha256', value: digest } },
        signature: { content: 'AA==', publicKey: { content: Buffer.from(pem).toString('base64') } },
      },
    }),
  );
const dsse = (payload: Uint8Array, pem: string): Uint8Array =>
  Buffer.from(
    JSON.stringify({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        payloadHash: {
          algorithm: 'sha256',
          value: createHash('sha256').update(payload).digest('hex'),
        },
        signatures: [{ signature: 'AA==', verifier: Buffer.from(pem).toString('base64') }],
      },
    }),
  );

const pemOf = (k: ReturnType<typeof generateKeyPair>) =>
  k.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const digestA = 'a'.repeat(64);

/** A real Merkle tree served as a FollowedLog: heads are taken as verified (signatures are
    followed-logs' part, tested end to end). `rewrite` serves another tree's tiles and leaves. */
class TreeLog implements FollowedLog {
  readonly name = 'artifact';
  readonly url = 'http://log.test';
  readonly tree = new MemoryTree();
  readonly bodies: Uint8Array[] = [];
  origin = 'log.test - 1';
  servedTree?: MemoryTree;

  add(body: Uint8Array): void {
    this.bodies.push(body);
    this.tree.append(hashLeaf(body));
  }
  head(): Promise<SignedHead> {
    return Promise.resolve({
      origin: this.origin,
      treeSize: this.tree.size,
      rootHash: this.tree.rootHash(),
      signed: `checkpoint ${this.tree.size}`,
    });
  }
  consistencyProof(first: bigint, second: bigint): Promise<Uint8Array[]> {
    return Promise.resolve((this.servedTree ?? this.tree).consistencyProof(first, second));
  }
  compactRange(size: bigint): Promise<CompactRange> {
    const range = CompactRange.empty();
    for (let i = 0; i < Number(size); i++) range.append(hashLeaf(this.bodies[i]!));
    return Promise.resolve(range);
  }
  entries(start: bigint, end: bigint): Promise<FollowedEntry[]> {
    return Promise.resolve(
      this.bodies.slice(Number(start), Number(end)).map((body, i) => ({
        index: start + BigInt(i),
        leafHash: hashLeaf(body),
        entry: readRekorBody(body),
      })),
    );
  }
}

describe(monitorStep.name, () => {
  const alice = generateKeyPair('ecdsa-p256-sha256');
  const options: StepOptions = {
    watchlist: { identities: [], digests: [`sha256:${digestA}`], fingerprints: [], oids: [] },
    fromStart: false,
    batch: 2,
  };

  async function started(log: TreeLog): Promise<LogState> {
    const first = await monitorStep(log, undefined, options);
    expect(first).toMatchObject({ inconsistent: false, events: [] });
    return first.state!;
  }

  it('starts at the current head, then alerts each new watched entry once', async () => {
    const log = new TreeLog();
    log.add(hashedrekord(digestA, pemOf(alice))); // before the monitor: not alerted
    const state = await started(log);
    for (let i = 0; i < 4; i++)
      log.add(hashedrekord(i === 2 ? digestA : 'b'.repeat(64), pemOf(alice)));
    const step = await monitorStep(log, state, options);
    expect(step.inconsistent).toBe(false);
    expect(step.events).toEqual([
      expect.objectContaining({
        kind: 'match',
        index: '3',
        watch: 'digest',
        matched: `sha256:${digestA}`,
      }),
    ]);
    expect(step.state).toMatchObject({
      treeSize: 5n,
      rootHash: Buffer.from(log.tree.rootHash()).toString('hex'),
    });
    expect(await monitorStep(log, step.state, options)).toEqual({
      inconsistent: false,
      events: [],
      state: step.state,
    });
  });

  it('reads from entry 0 with fromStart', async () => {
    const log = new TreeLog();
    log.add(hashedrekord(digestA, pemOf(alice)));
    const step = await monitorStep(log, undefined, { ...options, fromStart: true });
    expect(step.events).toEqual([expect.objectContaining({ index: '0', watch: 'digest' })]);
  });

  const inconsistency = async (log: TreeLog, saved: LogState) => {
    const step = await monitorStep(log, saved, options);
    expect(step.inconsistent).toBe(true);
    expect(step.state).toBeUndefined();
    expect(step.events).toHaveLength(1);
    return step.events[0]!.message as string;
  };

  it('names a tree that shrank, a fork at the same size, another origin', async () => {
    const log = new TreeLog();
    log.add(hashedrekord('b'.repeat(64), pemOf(alice)));
    const saved = await started(log);
    expect(await inconsistency(log, { ...saved, treeSize: 2n })).toBe(
      'the tree shrank from size 2 to 1',
    );
    expect(await inconsistency(log, { ...saved, rootHash: 'c'.repeat(64) })).toBe(
      'a fork: another root at the same size 1',
    );
    log.origin = 'log.test - 2';
    expect(await inconsistency(log, saved)).toMatch(
      /^the log signs for origin "log.test - 2", not "log.test - 1"/,
    );
  });

  it('names a new head that is not consistent with the saved one', async () => {
    const log = new TreeLog();
    for (let i = 0; i < 3; i++) log.add(hashedrekord(`${i}`.repeat(64), pemOf(alice)));
    const saved = await started(log);
    // The log rewrote entry 1 and grew: its new head extends another tree than the saved head.
    const forked = new TreeLog();
    forked.add(log.bodies[0]!);
    forked.add(hashedrekord('f'.repeat(64), pemOf(alice)));
    forked.add(log.bodies[2]!);
    forked.add(hashedrekord('e'.repeat(64), pemOf(alice)));
    expect(await inconsistency(forked, saved)).toMatch(/^not consistent from size 3 to 4: /);
  });

  it('names entries that do not hash to the new head', async () => {
    const log = new TreeLog();
    log.add(hashedrekord('b'.repeat(64), pemOf(alice)));
    const saved = await started(log);
    log.add(hashedrekord('c'.repeat(64), pemOf(alice)));
    log.bodies[1] = hashedrekord(digestA, pemOf(alice)); // served in place of the logged one
    expect(await inconsistency(log, saved)).toBe(
      "the entries the log served from 1 to 2 do not hash to its checkpoint's root",
    );
  });

  it('alerts a policy statement not expected and an expected one by another key', async () => {
    const policyKey = generateKeyPair('ecdsa-p256-sha256');
    const [v1, v2] = ['1'.repeat(64), '2'.repeat(64)];
    const policy = {
      watch: { key: policyKey.publicKey, expected: [v1] },
      statements: expectedStatements([v1]),
    };
    const log = new TreeLog();
    log.add(dsse(policyStatementOf(1, null, v1), pemOf(policyKey)));
    log.add(dsse(policyStatementOf(2, v1, v2), pemOf(policyKey)));
    log.add(dsse(policyStatementOf(1, null, v1), pemOf(alice)));
    const step = await monitorStep(log, undefined, { ...options, fromStart: true, policy });
    expect(step.events).toEqual([
      expect.objectContaining({ kind: 'policy', index: '1', status: 'unexpected' }),
      expect.objectContaining({
        kind: 'policy',
        index: '2',
        status: 'wrong-key',
        version: 1,
        message: expect.stringMatching(
          /^the statement of policy version 1 signed by [0-9a-f]{64}, not the policy key/,
        ),
      }),
    ]);
  });
});
