/* Three transparency-log processes (the built entry point) against one database, sharing one
   signing key: 2,000 concurrent appends spread over them must form one gap-free tree whose
   every checkpoint is signed and consistent with the next. Needs `npm run build`. */
import type { LogEntryBody as Entry } from '../apps/transparency-log/src/personalities/rekor-v1/log-entry.view';
import { freePort } from '@app/devkit';
import {
  hashLeaf,
  rootFromLeafHashes,
  TileReader,
  formatTilePath,
  verifyConsistency,
  verifyInclusion,
} from '@app/merkle';
import { noteVerifierOf, openCheckpoint, parsePublicKey } from '@app/signing';
import { createTestDatabase, type TestDatabase } from './support/database';
import {
  leafCertificate,
  logFixture,
  type LogFixture,
  signedHashedRekordWith,
} from './support/log-fixtures';
import { type Spawned, spawnBuilt, waitFor } from './support/processes';

const LOG = 'apps/transparency-log/src/main.js';
const PROCESSES = 3;
const ENTRIES = 2000;
const IN_FLIGHT = 64;
const KEY_NAME = '127.0.0.1:3000';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => Buffer.from(s, 'hex');
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('transparency log: three processes appending to one database', () => {
  let db: TestDatabase;
  let fx: LogFixture;
  const logs: Spawned[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = await logFixture();
    for (let i = 0; i < PROCESSES; i++) {
      const port = await freePort();
      urls.push(`http://127.0.0.1:${port}`);
      logs.push(
        spawnBuilt(LOG, {
          ...fx.env,
          DATABASE_URL: db.url,
          LOG_PORT: String(port),
          LOG_LEVEL: 'warn',
        }),
      );
    }
    await Promise.all(urls.map((url, i) => waitFor(`${url}/healthz`, 200, 60_000, logs[i])));
  }, 90_000);

  afterAll(async () => {
    for (const log of logs) {
      if (log.child.exitCode === null && log.child.signalCode === null) log.child.kill('SIGTERM');
    }
    await Promise.all(logs.map((l) => l.exited));
    await db?.drop();
    fx?.close();
  });

  it('integrates 2,000 concurrent appends into one gap-free tree of consistent checkpoints', async () => {
    // All three processes opened the same development key and the same tree.
    const infos = await Promise.all(
      urls.map(async (u) => (await (await fetch(`${u}/api/v1/log`)).json()) as { treeID: string }),
    );
    const keys = await Promise.all(
      urls.map(async (u) => (await fetch(`${u}/api/v1/log/publicKey`)).text()),
    );
    expect(new Set(keys).size).toBe(1);
    expect(new Set(infos.map((i) => i.treeID)).size).toBe(1);
    const treeID = infos[0]!.treeID;
    const origin = `${KEY_NAME} - ${treeID}`;
    const verifier = noteVerifierOf(parsePublicKey(keys[0]!), KEY_NAME);

    // One certificate, 2,000 distinct artifacts signed with its key.
    const leaf = await leafCertificate(fx.pki, 'load@example.com');
    const bodies = range(ENTRIES).map((i) =>
      JSON.stringify(
        signedHashedRekordWith(leaf, Buffer.from(`concurrent artifact ${i}`)).proposed,
      ),
    );

    const statuses: number[] = new Array<number>(ENTRIES);
    const answers: Entry[] = new Array<Entry>(ENTRIES);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < ENTRIES; i = next++) {
        const res = await fetch(`${urls[i % PROCESSES]}/api/v1/log/entries`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: bodies[i],
        });
        statuses[i] = res.status;
        const answer = (await res.json()) as Record<string, Entry>;
        answers[i] = Object.values(answer)[0]!;
      }
    };
    const started = performance.now();
    await Promise.all(range(IN_FLIGHT).map(worker));
    const appendMs = performance.now() - started;

    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    const leafIndices = answers.map((a) => a.verification.inclusionProof.logIndex);
    expect([...leafIndices].sort((a, b) => a - b)).toEqual(range(ENTRIES));
    expect([...answers.map((a) => a.logIndex)].sort((a, b) => a - b)).toEqual(range(ENTRIES));
    const rows = await db.query<{ n: string; global: string; leaf: string }>(
      'SELECT count(*) AS n, count(DISTINCT global_index) AS global, count(DISTINCT leaf_index) AS leaf FROM log_entry',
    );
    expect(rows).toEqual([{ n: '2000', global: '2000', leaf: '2000' }]);

    // Each answer's proof verifies against the checkpoint its batch signed.
    for (const a of answers) {
      const p = a.verification.inclusionProof;
      const { checkpoint } = openCheckpoint(p.checkpoint, [verifier], origin);
      expect([checkpoint.treeSize, hex(checkpoint.rootHash)]).toEqual([
        BigInt(p.treeSize),
        p.rootHash,
      ]);
      verifyInclusion(
        hashLeaf(Buffer.from(a.body, 'base64')),
        BigInt(p.logIndex),
        BigInt(p.treeSize),
        p.hashes.map(unhex),
        unhex(p.rootHash),
      );
    }

    // Every process now reports the final tree, whose root is that of the bodies in index order.
    const finals = await Promise.all(
      urls.map(
        async (u) => (await (await fetch(`${u}/api/v1/log`)).json()) as Record<string, unknown>,
      ),
    );
    for (const f of finals) expect(f).toEqual(finals[0]);
    const final = finals[0] as { treeSize: number; rootHash: string; signedTreeHead: string };
    expect(final.treeSize).toBe(ENTRIES);
    const byIndex: Buffer[] = [];
    for (const a of answers)
      byIndex[a.verification.inclusionProof.logIndex] = Buffer.from(a.body, 'base64');
    const leafHashes = byIndex.map((b) => hashLeaf(b));
    expect(hex(rootFromLeafHashes(leafHashes))).toBe(final.rootHash);
    const finalCheckpoint = openCheckpoint(final.signedTreeHead, [verifier], origin).checkpoint;
    expect(hex(finalCheckpoint.rootHash)).toBe(final.rootHash);

    // Every entry's inclusion proof, rebuilt from the tiles served over HTTP, verifies against
    // the final root.
    const reader = new TileReader(BigInt(ENTRIES), async (level, index, width) => {
      const res = await fetch(`${urls[1]}/api/v1/log/${formatTilePath(level, index, width)}`);
      if (res.status !== 200) throw new Error(`tile ${level}/${index}.p/${width}: ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    });
    expect(hex(await reader.rootHash())).toBe(final.rootHash);
    for (let i = 0; i < ENTRIES; i++) {
      verifyInclusion(
        leafHashes[i]!,
        BigInt(i),
        BigInt(ENTRIES),
        await reader.inclusionProof(BigInt(i)),
        unhex(final.rootHash),
      );
    }

    // Every stored checkpoint is signed, and consistent with the next one.
    const checkpoints = await db.query<{ tree_size: string; root_hash: Buffer; note: string }>(
      'SELECT tree_size, root_hash, note FROM checkpoint WHERE tree_id = $1 ORDER BY tree_size',
      [treeID],
    );
    const sizes = checkpoints.map((c) => Number(c.tree_size));
    expect(sizes[0]).toBe(0);
    expect(sizes[sizes.length - 1]).toBe(ENTRIES);
    for (const c of checkpoints) {
      const { checkpoint } = openCheckpoint(c.note, [verifier], origin);
      expect([checkpoint.treeSize, hex(checkpoint.rootHash)]).toEqual([
        BigInt(c.tree_size),
        hex(c.root_hash),
      ]);
    }
    // The batches the answers were proven against are exactly the stored checkpoints.
    expect(
      [...new Set(answers.map((a) => a.verification.inclusionProof.treeSize))].sort(
        (a, b) => a - b,
      ),
    ).toEqual(sizes.slice(1));
    await Promise.all(
      range(checkpoints.length - 2).map(async (k) => {
        const [a, b] = [checkpoints[k + 1]!, checkpoints[k + 2]!];
        const url = `${urls[k % PROCESSES]}/api/v1/log/proof?firstSize=${a.tree_size}&lastSize=${b.tree_size}`;
        const res = await fetch(url);
        expect(res.status).toBe(200);
        const proof = (await res.json()) as { rootHash: string; hashes: string[] };
        expect(proof.rootHash).toBe(hex(b.root_hash));
        verifyConsistency(
          BigInt(a.tree_size),
          BigInt(b.tree_size),
          proof.hashes.map(unhex),
          a.root_hash,
          b.root_hash,
        );
      }),
    );

    const batches = sizes.slice(1).map((s, k) => s - sizes[k]!);
    process.stderr.write(
      `log-concurrency: ${ENTRIES} appends over ${PROCESSES} processes in ${Math.round(appendMs)} ms; ` +
        `${batches.length} checkpoints, batch sizes min ${Math.min(...batches)} / max ${Math.max(...batches)}: ${batches.join(' ')}\n`,
    );
  }, 240_000);

  it('gives one racing copy of an entry 201 and every other copy, on any process, 409 with its Location', async () => {
    const leaf = await leafCertificate(fx.pki, 'race@example.com');
    const before = (await (await fetch(`${urls[0]}/api/v1/log`)).json()) as { treeSize: number };
    const COPIES = 3 * PROCESSES;
    const results = await Promise.all(
      range(10).flatMap((n) => {
        const body = JSON.stringify(
          signedHashedRekordWith(leaf, Buffer.from(`raced artifact ${n}`)).proposed,
        );
        return range(COPIES).map(async (c) => {
          const res = await fetch(`${urls[c % PROCESSES]}/api/v1/log/entries`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          const json = (await res.json()) as Record<string, unknown>;
          return { n, status: res.status, location: res.headers.get('location'), json };
        });
      }),
    );
    for (const n of range(10)) {
      const copies = results.filter((r) => r.n === n);
      expect(copies.map((r) => r.status).sort()).toEqual([
        201,
        ...range(COPIES - 1).map(() => 409),
      ]);
      const created = copies.find((r) => r.status === 201)!;
      const uuid = Object.keys(created.json)[0]!;
      for (const r of copies.filter((c) => c.status === 409)) {
        expect(r.location).toBe(`/api/v1/log/entries/${uuid}`);
        expect(r.json).toEqual({
          code: 409,
          message: `an equivalent entry already exists in the log: ${uuid}`,
        });
      }
    }
    const after = (await (await fetch(`${urls[0]}/api/v1/log`)).json()) as { treeSize: number };
    expect(after.treeSize).toBe(before.treeSize + 10);
  });

  it('stops every process on SIGTERM', async () => {
    // The processes stop on SIGTERM (Nest closes the app, then re-raises the signal), having
    // logged nothing worse than the development-key warning.
    for (const log of logs) log.child.kill('SIGTERM');
    await Promise.all(logs.map((l) => l.exited));
    expect(logs.map((l) => [l.child.exitCode, l.child.signalCode])).toEqual(
      range(PROCESSES).map(() => [null, 'SIGTERM']),
    );
    for (const log of logs) {
      const lines = log
        .output()
        .split('\n')
        .filter((l) => l !== '');
      expect(lines.filter((l) => !l.includes('"level":40,'))).toEqual([]);
    }
  });
});
