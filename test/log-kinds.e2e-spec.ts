/* dsse 0.0.1, intoto 0.0.2 and hashedrekord 0.0.1 entries as the stock sigstore-js client
   (@sigstore/sign's RekorWitness) proposes them, checked with @sigstore/verify's own tlog code. */
import { createHash, type KeyObject, sign } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { envelopeToJSON, type Envelope, type TransparencyLogEntry } from '@sigstore/bundle';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { RekorWitness } from '@sigstore/sign';
import type { TrustMaterial } from '@sigstore/verify';
import { toProposedEntry } from '@sigstore/sign/dist/witness/tlog/entry';
import { DSSESignatureContent } from '@sigstore/verify/dist/bundle/dsse';
import { MessageSignatureContent } from '@sigstore/verify/dist/bundle/message';
import { verifyTLogBody, verifyTLogInclusion } from '@sigstore/verify/dist/tlog';
import { hashLeaf } from '@app/merkle';
import { parsePublicKey } from '@app/signing';
import { TransparencyLogModule } from '../apps/transparency-log/src/app.module';
import { bootApp, testConfig } from './support/apps';
import { createTestDatabase, type TestDatabase } from './support/database';
import {
  dsseSignature,
  type Leaf,
  leafCertificate,
  logFixture,
  type LogFixture,
  sigstoreLogs,
} from './support/log-fixtures';

const IN_TOTO = 'application/vnd.in-toto+json';
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest();
const b64 = (b: Buffer) => b.toString('base64');

/** An in-toto statement about one artifact, as a payload. */
function statement(name: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name, digest: { sha256: sha256(name).toString('hex') } }],
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: {},
    }),
  );
}

/** The DSSE envelope sigstore-js hands its witness, signed by `leaf` over the PAE. */
function envelope(leaf: Leaf, payload: Buffer, keyid = '', payloadType = IN_TOTO): Envelope {
  return {
    payload,
    payloadType,
    signatures: [{ keyid, sig: dsseSignature(leaf, payloadType, payload) }],
  };
}

const dsseContent = (dsseEnvelope: Envelope) => ({ $case: 'dsseEnvelope' as const, dsseEnvelope });

/** The canonical body of an entry sigstore-js got back. */
const bodyOf = <T>(entry: TransparencyLogEntry) =>
  JSON.parse(entry.canonicalizedBody.toString()) as T;

interface DsseBody {
  kind: 'dsse';
  apiVersion: string;
  spec: {
    envelopeHash: { algorithm: string; value: string };
    payloadHash: { algorithm: string; value: string };
    signatures: Array<{ signature: string; verifier: string }>;
  };
}

interface IntotoBody {
  kind: 'intoto';
  apiVersion: string;
  spec: {
    content: {
      envelope: {
        payloadType: string;
        signatures: Array<{ keyid?: string; sig: string; publicKey: string }>;
      };
      hash: { algorithm: string; value: string };
      payloadHash: { algorithm: string; value: string };
    };
  };
}

describe('transparency log: entry kinds from the stock sigstore-js client', () => {
  let db: TestDatabase;
  let fx: LogFixture;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let baseUrl: string;
  let leaf: Leaf;
  let logKey: KeyObject;
  let tlogs: TrustMaterial['tlogs'];

  const witness = (entryType: 'dsse' | 'intoto') =>
    new RekorWitness({ rekorBaseURL: baseUrl, entryType, fetchOnConflict: true });
  const entryCount = async () =>
    Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM log_entry'))[0]!.n);

  /** Checks what sigstore-js checks of a tlog entry: SET, checkpoint and Merkle inclusion. */
  function verifyInclusionLikeSigstore(entry: TransparencyLogEntry): void {
    // Both checks must run: verifyTLogInclusion skips whichever is absent.
    expect(entry.inclusionPromise?.signedEntryTimestamp.length).toBeGreaterThan(0);
    expect(entry.inclusionProof?.checkpoint?.envelope).toMatch(/^127\.0\.0\.1:3000 - \d+\n/);
    verifyTLogInclusion(entry, tlogs);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = await logFixture();
    app = await bootApp(TransparencyLogModule.forRoot(testConfig(db.url, fx.env)));
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    // The server listens on a free port; the log's identity (key name, trust material) stays
    // LOG_PUBLIC_URL, http://127.0.0.1:3000.
    baseUrl = `http://127.0.0.1:${port}`;
    http = request(baseUrl);
    leaf = await leafCertificate(fx.pki, 'kinds@example.com');
    logKey = parsePublicKey((await http.get('/api/v1/log/publicKey')).text);
    tlogs = sigstoreLogs('tlogs', logKey);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    fx?.close();
  });

  it('logs a dsse 0.0.1 entry: sigstore-js verifies its SET, inclusion proof and body', async () => {
    const env = envelope(leaf, statement('dsse-artifact.tgz'));
    const { tlogEntries } = await witness('dsse').testify(dsseContent(env), leaf.certificatePem);
    expect(tlogEntries).toHaveLength(1);
    const entry = tlogEntries[0]!;
    expect(entry.kindVersion).toEqual({ kind: 'dsse', version: '0.0.1' });
    verifyInclusionLikeSigstore(entry);
    verifyTLogBody(entry, new DSSESignatureContent(env));

    const body = bodyOf<DsseBody>(entry);
    expect(body).toEqual({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: {
          algorithm: 'sha256',
          value: sha256(JSON.stringify(envelopeToJSON(env))).toString('hex'),
        },
        payloadHash: { algorithm: 'sha256', value: sha256(env.payload).toString('hex') },
        signatures: [
          {
            signature: b64(env.signatures[0]!.sig),
            verifier: b64(Buffer.from(leaf.certificatePem)),
          },
        ],
      },
    });
    // The body served by index is the one the client got, byte for byte.
    const served = await http.get(`/api/v1/log/entries?logIndex=${entry.logIndex}`);
    const [uuid, stored] = Object.entries(served.body as Record<string, { body: string }>)[0]!;
    expect(stored.body).toBe(b64(entry.canonicalizedBody));
    expect(uuid.slice(16)).toBe(Buffer.from(hashLeaf(entry.canonicalizedBody)).toString('hex'));
  });

  it('logs an intoto 0.0.2 entry: sigstore-js verifies it, the signature double-base64 in the body', async () => {
    const env = envelope(leaf, statement('intoto-artifact.tgz'));
    const { tlogEntries } = await witness('intoto').testify(dsseContent(env), leaf.certificatePem);
    const entry = tlogEntries[0]!;
    expect(entry.kindVersion).toEqual({ kind: 'intoto', version: '0.0.2' });
    verifyInclusionLikeSigstore(entry);
    verifyTLogBody(entry, new DSSESignatureContent(env));

    const proposed = toProposedEntry(dsseContent(env), leaf.certificatePem, 'intoto') as {
      spec: { content: { hash: { value: string } } };
    };
    const body = bodyOf<IntotoBody>(entry);
    const sig = env.signatures[0]!.sig;
    expect(body).toEqual({
      apiVersion: '0.0.2',
      kind: 'intoto',
      spec: {
        content: {
          envelope: {
            payloadType: IN_TOTO,
            signatures: [
              { sig: b64(Buffer.from(b64(sig))), publicKey: b64(Buffer.from(leaf.certificatePem)) },
            ],
          },
          hash: { algorithm: 'sha256', value: proposed.spec.content.hash.value },
          payloadHash: { algorithm: 'sha256', value: sha256(env.payload).toString('hex') },
        },
      },
    });
    const inner = Buffer.from(body.spec.content.envelope.signatures[0]!.sig, 'base64').toString();
    expect(Buffer.from(inner, 'base64').equals(sig)).toBe(true);
  });

  it('logs an intoto 0.0.2 entry with a key ID, which is part of the envelope hash', async () => {
    const env = envelope(leaf, statement('keyed-artifact.tgz'), 'release-key-1');
    const { tlogEntries } = await witness('intoto').testify(dsseContent(env), leaf.certificatePem);
    const entry = tlogEntries[0]!;
    verifyInclusionLikeSigstore(entry);
    verifyTLogBody(entry, new DSSESignatureContent(env));
    const body = bodyOf<IntotoBody>(entry);
    expect(body.spec.content.envelope.signatures.map((s) => s.keyid)).toEqual(['release-key-1']);
    const proposed = toProposedEntry(dsseContent(env), leaf.certificatePem, 'intoto') as {
      spec: { content: { hash: { value: string } } };
    };
    expect(body.spec.content.hash.value).toBe(proposed.spec.content.hash.value);
  });

  it('logs a hashedrekord 0.0.1 entry from a message signature', async () => {
    const artifact = Buffer.from('message-signed artifact');
    const messageSignature = {
      messageDigest: { algorithm: HashAlgorithm.SHA2_256, digest: sha256(artifact) },
      signature: sign('sha256', artifact, { key: leaf.privateKey, dsaEncoding: 'der' }),
    };
    const { tlogEntries } = await witness('dsse').testify(
      { $case: 'messageSignature', messageSignature },
      leaf.certificatePem,
    );
    const entry = tlogEntries[0]!;
    expect(entry.kindVersion).toEqual({ kind: 'hashedrekord', version: '0.0.1' });
    verifyInclusionLikeSigstore(entry);
    verifyTLogBody(entry, new MessageSignatureContent(messageSignature, artifact));
    expect(bodyOf(entry)).toEqual({
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm: 'sha256', value: sha256(artifact).toString('hex') } },
        signature: {
          content: b64(messageSignature.signature),
          publicKey: { content: b64(Buffer.from(leaf.certificatePem)) },
        },
      },
    });
  });

  it.each(['dsse', 'intoto'] as const)(
    'answers the same %s content again with 409 + Location, which the client follows to the same entry',
    async (entryType) => {
      const env = envelope(leaf, statement(`twice-${entryType}.tgz`));
      const first = (await witness(entryType).testify(dsseContent(env), leaf.certificatePem))
        .tlogEntries[0]!;
      const before = await entryCount();

      // What the client meets on the wire…
      const proposed = toProposedEntry(dsseContent(env), leaf.certificatePem, entryType);
      const conflict = await http.post('/api/v1/log/entries').send(proposed);
      expect(conflict.status).toBe(409);
      const uuid = /^an equivalent entry already exists in the log: ([0-9a-f]{80})$/.exec(
        (conflict.body as { message: string }).message,
      )?.[1];
      expect(uuid?.slice(16)).toBe(Buffer.from(hashLeaf(first.canonicalizedBody)).toString('hex'));
      expect(conflict.headers.location).toBe(`/api/v1/log/entries/${uuid}`);

      // …and what it makes of it.
      const again = (await witness(entryType).testify(dsseContent(env), leaf.certificatePem))
        .tlogEntries[0]!;
      expect(again.logIndex).toBe(first.logIndex);
      expect(again.canonicalizedBody.equals(first.canonicalizedBody)).toBe(true);
      expect(again.inclusionPromise?.signedEntryTimestamp).toEqual(
        first.inclusionPromise?.signedEntryTimestamp,
      );
      verifyInclusionLikeSigstore(again);
      verifyTLogBody(again, new DSSESignatureContent(env));
      expect(await entryCount()).toBe(before);
    },
  );

  it('refuses (400) a dsse envelope whose signature does not verify, writing nothing', async () => {
    const payload = statement('forged.tgz');
    const forged: Envelope = {
      payload,
      payloadType: IN_TOTO,
      // A valid signature by the leaf's key, but over another payload.
      signatures: [{ keyid: '', sig: dsseSignature(leaf, IN_TOTO, statement('genuine.tgz')) }],
    };
    const before = await entryCount();
    const message =
      'spec.proposedContent.envelope.signatures[0]: signature does not verify with any of spec.proposedContent.verifiers';
    const res = await http
      .post('/api/v1/log/entries')
      .send(toProposedEntry(dsseContent(forged), leaf.certificatePem, 'dsse'));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 400, message });
    await expect(
      witness('dsse').testify(dsseContent(forged), leaf.certificatePem),
    ).rejects.toMatchObject({
      code: 'TLOG_CREATE_ENTRY_ERROR',
      message: `error creating tlog entry - (400) ${message}`,
    });
    expect(await entryCount()).toBe(before);
  });

  it('refuses (400) an intoto envelope whose signature does not verify, writing nothing', async () => {
    const forged: Envelope = {
      payload: statement('forged-intoto.tgz'),
      payloadType: IN_TOTO,
      signatures: [
        { keyid: '', sig: dsseSignature(leaf, 'text/plain', statement('forged-intoto.tgz')) },
      ],
    };
    const before = await entryCount();
    const res = await http
      .post('/api/v1/log/entries')
      .send(toProposedEntry(dsseContent(forged), leaf.certificatePem, 'intoto'));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      code: 400,
      message: 'spec.content.envelope.signatures[0]: signature does not verify with its publicKey',
    });
    expect(await entryCount()).toBe(before);
  });
});
