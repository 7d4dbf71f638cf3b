/* Concurrent writes on every write path of the stack, each request and its answer recorded: an
   acknowledged write (2xx) with what it was given, anything else (an error, a refused connection,
   a timeout) as unacknowledged. The checks (crash-checks.ts) hold the stack to the record. */
import { createHash, randomBytes, sign } from 'node:crypto';
import { parseCertificate, preAuthEncoding } from '@app/signing';
import { clientKey, proofOf, signingCertRequest } from './ca-fixtures';
import { CRASH_EMAIL, type CrashStack } from './crash-stack';
import { hashedRekord } from './log-fixtures';

export const ALL_WRITE_PATHS = [
  'v1-hashedrekord',
  'v1-dsse',
  'v2-hashedrekord',
  'ct',
  'tsa',
  'policy',
] as const;

export type WritePath = (typeof ALL_WRITE_PATHS)[number];

/** A checkpoint as a write's answer carried it. */
export interface SeenCheckpoint {
  origin: string;
  treeSize: bigint;
  rootHash: Buffer;
}

/** One write and what came back. */
export interface Write {
  path: WritePath;
  /** The artifact digest (hex) a log entry or timestamp is about. */
  digest: string;
  acknowledged: boolean;
  /** What the failure was, for an unacknowledged write. */
  failure?: string;
  /** Log entries: the leaf index, body bytes and checkpoint of the answer. */
  leafIndex?: bigint;
  body?: Buffer;
  checkpoint?: SeenCheckpoint;
  /** CT: the certificate's serial (lowercase hex); TSA: the reply (DER). */
  serial?: string;
  reply?: Buffer;
  /** Policy: the version the change created. */
  version?: number;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();

/** Parses a signed note's body: origin, tree size, base64 root hash (C2SP checkpoint). */
export function parseCheckpointNote(note: string): SeenCheckpoint {
  const [origin, size, root] = note.split('\n');
  return { origin: origin!, treeSize: BigInt(size!), rootHash: Buffer.from(root!, 'base64') };
}

/** Drives writes until stopped; `writes` holds every one, acknowledged or not. */
export class Workload {
  readonly writes: Write[] = [];
  /** Requests sent and not yet answered. */
  inFlight = 0;
  private running: Promise<void>[] = [];
  private stopped = false;
  private policyEtag = '';
  private ruleSeq = 0;

  constructor(
    private readonly stack: CrashStack,
    private readonly random: () => number,
    private readonly paths: readonly WritePath[],
  ) {}

  /** Starts `workers` concurrent loops, plus one that changes the policy when asked to. */
  start(workers: number): void {
    this.stopped = false;
    const logPaths = this.paths.filter((p) => p !== 'policy');
    for (let i = 0; i < workers; i++)
      this.running.push(this.loop(() => logPaths[Math.floor(this.random() * logPaths.length)]!, 0));
    if (this.paths.includes('policy')) this.running.push(this.loop(() => 'policy', 50));
  }

  /** Stops the loops and waits for the requests in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running.splice(0));
  }

  private async loop(next: () => WritePath, pauseMs: number): Promise<void> {
    while (!this.stopped) {
      const path = next();
      const write: Write = { path, digest: '', acknowledged: false };
      this.inFlight++;
      try {
        await this.attempt(write);
      } catch (err) {
        write.failure = (err as Error).message;
      } finally {
        this.inFlight--;
      }
      this.writes.push(write);
      // A refused connection fails at once: pause so a dead server is not spun on.
      await new Promise((r) => setTimeout(r, write.acknowledged ? pauseMs : 20 + pauseMs));
    }
  }

  private async post(url: string, body: unknown, headers: Record<string, string> = {}) {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  }

  private async attempt(w: Write): Promise<void> {
    const { stack } = this;
    const artifact = randomBytes(32);
    w.digest = sha256(artifact).toString('hex');
    const key = stack.writer.privateKey;
    let res: Response;
    switch (w.path) {
      case 'v1-hashedrekord':
      case 'v1-dsse': {
        const proposed =
          w.path === 'v1-hashedrekord'
            ? hashedRekord(
                sha256(artifact),
                sign('sha256', artifact, { key, dsaEncoding: 'der' }),
                stack.writer.publicKeyPem,
              )
            : this.dsse(artifact);
        res = await this.post(`${stack.logUrl}/api/v1/log/entries`, proposed);
        if (res.status !== 201) break;
        const entry = Object.values((await res.json()) as Record<string, V1Entry>)[0]!;
        w.leafIndex = BigInt(entry.verification.inclusionProof.logIndex);
        w.body = Buffer.from(entry.body, 'base64');
        w.checkpoint = parseCheckpointNote(entry.verification.inclusionProof.checkpoint);
        break;
      }
      case 'v2-hashedrekord': {
        res = await this.post(`${stack.logV2Url}/api/v2/log/entries`, {
          hashedRekordRequestV002: {
            digest: sha256(artifact).toString('base64'),
            signature: {
              content: sign('sha256', artifact, key).toString('base64'),
              verifier: {
                publicKey: { rawBytes: stack.writer.publicKeyDer.toString('base64') },
                keyDetails: 'PKIX_ECDSA_P256_SHA_256',
              },
            },
          },
        });
        if (res.status !== 201) break;
        const entry = (await res.json()) as V2Entry;
        w.leafIndex = BigInt(entry.inclusionProof.logIndex);
        w.body = Buffer.from(entry.canonicalizedBody, 'base64');
        w.checkpoint = parseCheckpointNote(entry.inclusionProof.checkpoint.envelope);
        break;
      }
      case 'ct': {
        const token = await stack.fx.email.mint({
          sub: 'crash',
          email: CRASH_EMAIL,
          email_verified: true,
        });
        const ck = clientKey();
        res = await this.post(
          `${stack.caUrl}/api/v2/signingCert`,
          signingCertRequest(token, ck, proofOf(ck, CRASH_EMAIL)),
        );
        if (res.status !== 201) break;
        const chain = (await res.json()) as {
          signedCertificateEmbeddedSct: { chain: { certificates: string[] } };
        };
        const leaf = chain.signedCertificateEmbeddedSct.chain.certificates[0]!;
        w.serial = parseCertificate(leaf).serialNumber.toString(16);
        break;
      }
      case 'tsa': {
        res = await this.post(`${stack.caUrl}/api/v1/timestamp`, {
          artifactHash: sha256(artifact).toString('base64'),
          hashAlgorithm: 'sha256',
        });
        if (res.status !== 200) break;
        w.reply = Buffer.from(await res.arrayBuffer());
        break;
      }
      case 'policy':
        res = await this.changePolicy();
        if (res.status !== 201) break;
        w.version = Number(/^"v(\d+)"$/.exec(res.headers.get('etag') ?? '')?.[1]);
        this.policyEtag = res.headers.get('etag')!;
        break;
    }
    w.acknowledged = res.status >= 200 && res.status < 300;
    if (!w.acknowledged) w.failure = `${res.status} ${await res.text().catch(() => '')}`;
  }

  private async changePolicy(): Promise<Response> {
    const auth = { authorization: `Bearer ${this.stack.adminToken}` };
    if (this.policyEtag === '') {
      const head = await fetch(`${this.stack.caUrl}/api/admin/v1/policy`, {
        headers: auth,
        signal: AbortSignal.timeout(15_000),
      });
      if (head.status !== 200) return head;
      this.policyEtag = head.headers.get('etag')!;
    }
    const n = ++this.ruleSeq;
    const res = await this.post(
      `${this.stack.caUrl}/api/admin/v1/rules`,
      {
        reason: `crash round rule ${n}`,
        rule: { name: `r${n}`, issuer: this.stack.fx.email.url, subject: `r${n}@example.com` },
      },
      { ...auth, 'if-match': this.policyEtag },
    );
    if (res.status !== 201) this.policyEtag = ''; // read the head again before the next change
    return res;
  }

  private dsse(artifact: Buffer): object {
    const payloadType = 'application/vnd.in-toto+json';
    const payload = Buffer.from(
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ name: 'a', digest: { sha256: sha256(artifact).toString('hex') } }],
        predicateType: 'https://example.com/crash',
        predicate: {},
      }),
    );
    const sig = sign('sha256', preAuthEncoding(payloadType, payload), {
      key: this.stack.writer.privateKey,
      dsaEncoding: 'der',
    });
    return {
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        proposedContent: {
          envelope: JSON.stringify({
            payload: payload.toString('base64'),
            payloadType,
            signatures: [{ sig: sig.toString('base64') }],
          }),
          verifiers: [Buffer.from(this.stack.writer.publicKeyPem).toString('base64')],
        },
      },
    };
  }
}

interface V1Entry {
  body: string;
  verification: { inclusionProof: { logIndex: number; checkpoint: string } };
}

interface V2Entry {
  canonicalizedBody: string;
  inclusionProof: { logIndex: string; checkpoint: { envelope: string } };
}
