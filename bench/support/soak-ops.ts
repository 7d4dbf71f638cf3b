// The operations of the soak's mixed load, each one request to one of the processes (round robin),
// tallied in the SoakRecord. Writes remember what the log acknowledged and verify the inclusion
// proof they got; reads check what they read against it; every checkpoint seen is kept.
import { createHash, sign } from 'node:crypto';
import type { LogEntryBody } from '../../apps/transparency-log/src/personalities/rekor-v1/log-entry.view';
import { formatTilePath, hashLeaf, verifyConsistency, verifyInclusion } from '@app/merkle';
import { preAuthEncoding } from '@app/signing';
import { signingCertRequest } from '../issuance';
import { type BenchSigner, hashedRekordEntry } from '../logging';
import { hashedRekordV002Request } from '../rekor-v2-tsa';
import type { Call, HttpClient, Reply } from './load';
import type { SoakPurpose, SoakRecord } from './soak-record';

/** What the operations share: the processes, the signers, and what was acknowledged so far. */
export interface SoakTarget {
  logs: HttpClient[];
  cas: HttpClient[];
  signers: BenchSigner[];
  /** An ID token the CAs accept (minted afresh as they age). */
  token: () => Promise<string>;
  record: SoakRecord;
  /** Distinguishes this run's artifacts. */
  run: string;
  /** Uniform integer in [0, bound), seeded. */
  random: (bound: number) => number;
  /** Rekor v1 entries acknowledged: for reads by index, UUID and digest. */
  v1: Array<{ globalIndex: bigint; leafHash: Buffer; uuid: string; digest: string }>;
}

export type SoakOp = (t: SoakTarget, i: number) => Promise<void>;

const IN_TOTO = 'application/vnd.in-toto+json';
const sha256Hex = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const unhex = (s: string) => Buffer.from(s, 'hex');
const unb64 = (s: string) => Buffer.from(s, 'base64');
const json = (body: unknown) => Buffer.from(JSON.stringify(body));

/** Sends `call`, tallies the answer under `op`; returns the reply when it has `expected`. */
async function exchange(
  t: SoakTarget,
  op: string,
  client: HttpClient,
  call: Call,
  expected: number,
): Promise<Reply | undefined> {
  const started = process.hrtime.bigint();
  let reply: Reply;
  try {
    reply = await client.send(call);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'network error';
    t.record.answer(op, code, started, expected, `${call.method} ${call.path}`);
    return undefined;
  }
  const ok = t.record.answer(
    op,
    reply.status,
    started,
    expected,
    () => `${call.method} ${call.path}: ${reply.body.toString().slice(0, 300)}`,
  );
  return ok ? reply : undefined;
}

/** Runs `check` on a good answer; a throw is a failed check, recorded as an error. */
function checked(t: SoakTarget, op: string, check: () => void): void {
  try {
    check();
  } catch (err) {
    t.record.error(`${op}: check failed: ${(err as Error).message}`);
  }
}

const log = (t: SoakTarget, i: number) => t.logs[i % t.logs.length]!;

/** Verifies a v1 entry's inclusion proof and records its checkpoint; returns its leaf hash. */
function checkLogEntryBody(t: SoakTarget, entry: LogEntryBody): Buffer {
  const p = entry.verification.inclusionProof;
  const leafHash = Buffer.from(hashLeaf(unb64(entry.body)));
  verifyInclusion(
    leafHash,
    BigInt(p.logIndex),
    BigInt(p.treeSize),
    p.hashes.map(unhex),
    unhex(p.rootHash),
  );
  t.record.checkpoint('artifact', p.checkpoint);
  t.record.root('artifact', BigInt(p.treeSize), p.rootHash, 'an inclusion proof');
  return leafHash;
}

function v1Append(op: string, body: (t: SoakTarget, i: number) => Buffer, digest: string): SoakOp {
  return async (t, i) => {
    const call: Call = { method: 'POST', path: '/api/v1/log/entries', body: body(t, i) };
    const reply = await exchange(t, op, log(t, i), call, 201);
    if (reply === undefined) return;
    checked(t, op, () => {
      const [uuid, entry] = Object.entries(JSON.parse(reply.body.toString()) as object)[0] as [
        string,
        LogEntryBody,
      ];
      const leafHash = checkLogEntryBody(t, entry);
      const leafIndex = BigInt(entry.verification.inclusionProof.logIndex);
      t.record.ack('artifact', leafIndex, leafHash);
      t.v1.push({ globalIndex: BigInt(entry.logIndex), leafHash, uuid, digest: digest });
    });
  };
}

const artifact = (t: SoakTarget, kind: string, i: number) =>
  Buffer.from(`signet soak ${t.run} ${kind} ${i}`);

/** A dsse 0.0.1 proposal: an in-toto statement about `subject`, signed over the DSSE PAE. */
export function dsseEntry(signer: BenchSigner, subject: Buffer): Buffer {
  const payload = json({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: subject.toString(), digest: { sha256: sha256Hex(subject) } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {},
  });
  const sig = sign('sha256', preAuthEncoding(IN_TOTO, payload), {
    key: signer.privateKey,
    dsaEncoding: 'der',
  });
  const envelope = JSON.stringify({
    payloadType: IN_TOTO,
    payload: payload.toString('base64'),
    signatures: [{ keyid: '', sig: sig.toString('base64') }],
  });
  return json({
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      proposedContent: {
        envelope,
        verifiers: [Buffer.from(signer.certificatePem).toString('base64')],
      },
    },
  });
}

/** Reads an acknowledged v1 entry at `pathOf` it; checks it is that entry, proof included. */
function readEntry(op: string, pathOf: (entry: SoakTarget['v1'][number]) => string): SoakOp {
  return async (t, i) => {
    const want = t.v1[t.random(t.v1.length)];
    if (want === undefined) return;
    const path = pathOf(want);
    const reply = await exchange(t, op, log(t, i), { method: 'GET', path }, 200);
    if (reply === undefined) return;
    checked(t, op, () => {
      const entry = Object.values(JSON.parse(reply.body.toString()) as object)[0] as LogEntryBody;
      if (!checkLogEntryBody(t, entry).equals(want.leafHash))
        throw new Error(`${path} is not the entry acknowledged`);
    });
  };
}

const signer = (t: SoakTarget, i: number) => t.signers[i % t.signers.length]!;

/** The operations by name, and how often each is drawn (weights out of their sum). */
export const SOAK_OPS: Record<string, { weight: number; run: SoakOp }> = {
  /** A certificate from either CA; both submit the precertificate to a log (CT) first. */
  issue_ct: {
    weight: 2,
    run: async (t, i) => {
      const { body } = signingCertRequest(await t.token());
      const call: Call = { method: 'POST', path: '/api/v2/signingCert', body };
      await exchange(t, 'issue_ct', t.cas[i % t.cas.length]!, call, 201);
    },
  },
  v1_hashedrekord: {
    weight: 3,
    run: (t, i) => {
      const a = artifact(t, 'hashedrekord', i);
      return v1Append(
        'v1_hashedrekord',
        () => hashedRekordEntry(signer(t, i), a),
        sha256Hex(a),
      )(t, i);
    },
  },
  v1_dsse: {
    weight: 1,
    run: (t, i) => {
      const a = artifact(t, 'dsse', i);
      return v1Append('v1_dsse', () => dsseEntry(signer(t, i), a), sha256Hex(a))(t, i);
    },
  },
  v2_hashedrekord: {
    weight: 3,
    run: async (t, i) => {
      const body = hashedRekordV002Request(signer(t, i), artifact(t, 'v2', i));
      const call: Call = { method: 'POST', path: '/api/v2/log/entries', body };
      const reply = await exchange(t, 'v2_hashedrekord', log(t, i), call, 201);
      if (reply === undefined) return;
      checked(t, 'v2_hashedrekord', () => {
        const entry = JSON.parse(reply.body.toString()) as {
          canonicalizedBody: string;
          inclusionProof: {
            logIndex: string;
            treeSize: string;
            rootHash: string;
            hashes: string[];
            checkpoint: { envelope: string };
          };
        };
        const p = entry.inclusionProof;
        const leafHash = hashLeaf(unb64(entry.canonicalizedBody));
        const [leafIndex, treeSize] = [BigInt(p.logIndex), BigInt(p.treeSize)];
        verifyInclusion(leafHash, leafIndex, treeSize, p.hashes.map(unb64), unb64(p.rootHash));
        t.record.checkpoint('rekor-v2', p.checkpoint.envelope);
        t.record.ack('rekor-v2', leafIndex, leafHash);
      });
    },
  },
  /** An acknowledged entry by its index, with its inclusion proof. */
  entry_by_index: {
    weight: 2,
    run: readEntry('entry_by_index', (e) => `/api/v1/log/entries?logIndex=${e.globalIndex}`),
  },
  entry_by_uuid: {
    weight: 1,
    run: readEntry('entry_by_uuid', (e) => `/api/v1/log/entries/${e.uuid}`),
  },
  /** The search index by artifact digest: must name the acknowledged entry. */
  search: {
    weight: 1,
    run: async (t, i) => {
      const want = t.v1[t.random(t.v1.length)];
      if (want === undefined) return;
      const call: Call = {
        method: 'POST',
        path: '/api/v1/index/retrieve',
        body: json({ hash: `sha256:${want.digest}` }),
      };
      const reply = await exchange(t, 'search', log(t, i), call, 200);
      if (reply === undefined) return;
      checked(t, 'search', () => {
        const uuids = JSON.parse(reply.body.toString()) as string[];
        if (!uuids.some((u) => want.uuid.endsWith(u)))
          throw new Error(`search for ${want.digest} gave ${JSON.stringify(uuids)}`);
      });
    },
  },
  checkpoint: { weight: 2, run: readCheckpoint },
  /** A level-0 tile of the Rekor v1 tree at a size a checkpoint named. */
  tile: {
    weight: 1,
    run: async (t, i) => {
      const sizes = [...t.record.roots.get('artifact')!.keys()].filter((s) => s > 0n);
      const size = sizes[t.random(sizes.length)];
      if (size === undefined) return;
      const index = BigInt(t.random(Number((size + 255n) / 256n)));
      const width = Number(size - index * 256n > 256n ? 256n : size - index * 256n);
      const path = `/api/v1/log/${formatTilePath(0, index, width)}`;
      const reply = await exchange(t, 'tile', log(t, i), { method: 'GET', path }, 200);
      if (reply !== undefined && reply.body.length !== width * 32)
        t.record.error(`tile: ${path} has ${reply.body.length} bytes`);
    },
  },
  /** A consistency proof between two sizes whose roots checkpoints named, verified. */
  consistency_proof: {
    weight: 1,
    run: async (t, i) => {
      const roots = t.record.roots.get('artifact')!;
      const sizes = [...roots.keys()].filter((s) => s > 0n);
      if (sizes.length < 2) return;
      let [a, b] = [sizes[t.random(sizes.length)]!, sizes[t.random(sizes.length)]!];
      if (a > b) [a, b] = [b, a];
      const path = `/api/v1/log/proof?firstSize=${a}&lastSize=${b}`;
      const reply = await exchange(t, 'consistency_proof', log(t, i), { method: 'GET', path }, 200);
      if (reply === undefined) return;
      checked(t, 'consistency_proof', () => {
        const proof = JSON.parse(reply.body.toString()) as { rootHash: string; hashes: string[] };
        t.record.root('artifact', b, proof.rootHash, 'a consistency proof');
        verifyConsistency(
          a,
          b,
          proof.hashes.map(unhex),
          unhex(roots.get(a)!),
          unhex(proof.rootHash),
        );
      });
    },
  },
};

const CHECKPOINT_READS: Array<{ path: string; purpose: SoakPurpose; field?: string }> = [
  { path: '/api/v1/log', purpose: 'artifact', field: 'signedTreeHead' },
  { path: '/api/v1/log/checkpoint', purpose: 'artifact' },
  { path: '/api/v2/checkpoint', purpose: 'rekor-v2' },
  { path: '/ct/checkpoint', purpose: 'ct' },
];

/** One of the checkpoint reads (Rekor v1 log info, the three C2SP checkpoints), recorded. */
async function readCheckpoint(t: SoakTarget, i: number): Promise<void> {
  const read = CHECKPOINT_READS[t.random(CHECKPOINT_READS.length)]!;
  const reply = await exchange(t, 'checkpoint', log(t, i), { method: 'GET', path: read.path }, 200);
  if (reply === undefined) return;
  checked(t, 'checkpoint', () => {
    const text = reply.body.toString();
    const note =
      read.field === undefined ? text : (JSON.parse(text) as Record<string, string>)[read.field]!;
    t.record.checkpoint(read.purpose, note);
  });
}
