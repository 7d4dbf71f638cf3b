/* The RFC 6962 CT API of the log: the CA's precertificates get SCTs that our verifier and
   sigstore-js accept once embedded, the tree head, proofs and entries let an auditor list every
   certificate the CA issued, and refused chains write nothing. */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { join } from 'node:path';
import { X509Certificate as SigstoreCertificate } from '@sigstore/core';
import type { TrustMaterial } from '@sigstore/verify';
import request from 'supertest';
import {
  formatTilePath,
  hashLeaf,
  TileReader,
  verifyConsistency,
  verifyInclusion,
} from '@app/merkle';
import {
  buildLeaf,
  issuerKeyHash as ctIssuerKeyHash,
  type LeafCertificate,
  merkleTreeLeaf,
  precertEntry,
  type SignedCertificateTimestamp,
  verifySct,
} from '@app/signing';
import { TransparencyLogModule } from '../apps/transparency-log/src/app.module';
import { testLeafRequest, testPki, type TestPki } from '../libs/signing/src/x509/testing';
import { bootApp, testConfig } from './support/apps';
import { createTestDatabase, type TestDatabase } from './support/database';
import { LOG_URL, sigstoreLogs, signedHashedRekord } from './support/log-fixtures';
import { tempDirs } from './support/temp-dir';

// Not exported from the package index: what sigstore-js runs on a leaf's embedded SCTs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { verifySCTs } = require('@sigstore/verify/dist/key/sct') as {
  verifySCTs(
    cert: SigstoreCertificate,
    issuer: SigstoreCertificate,
    logs: TrustMaterial['ctlogs'],
  ): Buffer[];
};

interface Sth {
  tree_size: number;
  timestamp: number;
  sha256_root_hash: string;
  tree_head_signature: string;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const unb64 = (text: string) => Buffer.from(text, 'base64');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

/** The SCT of an add-(pre-)chain answer, checking the DigitallySigned framing on the way. */
function sctOf(body: Record<string, unknown>): SignedCertificateTimestamp {
  const signed = unb64(body.signature as string);
  expect([signed[0], signed[1], signed.readUInt16BE(2)]).toEqual([4, 3, signed.length - 4]);
  return {
    version: 0,
    logId: unb64(body.id as string),
    timestamp: BigInt(body.timestamp as number),
    extensions: unb64(body.extensions as string),
    hashAlgorithm: signed[0]!,
    signatureAlgorithm: signed[1]!,
    signature: signed.subarray(4),
  };
}

/** Reads TLS vectors for the test's own decoding of leaf_input and extra_data. */
class Tls {
  offset = 0;
  constructor(readonly bytes: Buffer) {}
  take(n: number): Buffer {
    expect(this.offset + n).toBeLessThanOrEqual(this.bytes.length);
    return this.bytes.subarray(this.offset, (this.offset += n));
  }
  uint(n: number): number {
    return this.take(n).readUIntBE(0, n);
  }
  vector(lengthBytes: number): Buffer {
    return this.take(this.uint(lengthBytes));
  }
  certificates(): Buffer[] {
    const list = new Tls(this.vector(3));
    const out: Buffer[] = [];
    while (list.offset < list.bytes.length) out.push(list.vector(3));
    return out;
  }
}

describe('transparency log: RFC 6962 CT API', () => {
  let db: TestDatabase;
  let pki: TestPki;
  let app: NestExpressApplication;
  const tempDir = tempDirs(afterAll);
  let http: ReturnType<typeof request>;
  let ctKey: KeyObject;
  /** Every certificate this suite got logged, in submission order. */
  const logged: Array<{ type: 'precert' | 'x509'; der: Uint8Array }> = [];

  const state = async () =>
    (
      await db.query(
        `SELECT (SELECT count(*) FROM log_entry) AS entries, (SELECT count(*) FROM checkpoint) AS checkpoints,
                (SELECT count(*) FROM search_index) AS keys, (SELECT sum(size) FROM tree_state) AS size`,
      )
    )[0];
  const chainOf = (leaf: Uint8Array, p: TestPki = pki) => ({
    chain: [leaf, p.intermediate, p.root].map(b64),
  });
  const newLeaf = (p: TestPki = pki): LeafCertificate =>
    buildLeaf(testLeafRequest(p, new Date(Date.now() - 60_000)));
  const sth = async (): Promise<Sth> => {
    const res = await http.get('/ct/v1/get-sth');
    expect(res.status).toBe(200);
    return res.body as Sth;
  };
  async function addPreChain(leaf: LeafCertificate): Promise<SignedCertificateTimestamp> {
    const precertificate = await leaf.precertificate();
    const res = await http.post('/ct/v1/add-pre-chain').send(chainOf(precertificate));
    expect(res.status).toBe(200);
    logged.push({ type: 'precert', der: precertificate });
    return sctOf(res.body as Record<string, unknown>);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    pki = await testPki();
    for (const [der, isRoot] of [
      [pki.root, true],
      [pki.intermediate, false],
    ] as const) {
      await db.query(
        'INSERT INTO ca_certificate (fingerprint, der, is_root, not_before, not_after) VALUES ($1, $2, $3, $4, $5)',
        [sha256(der).toString('hex'), Buffer.from(der), isRoot, pki.notBefore, pki.notAfter],
      );
    }
    const dir = tempDir('ct');
    app = await bootApp(
      TransparencyLogModule.forRoot(
        testConfig(db.url, { SIGNET_DATA_DIR: join(dir, 'data'), LOG_PUBLIC_URL: LOG_URL }),
      ),
    );
    http = request(app.getHttpServer());
    const [tree] = await db.query<{ public_key: Buffer }>(
      "SELECT public_key FROM log_tree WHERE purpose = 'ct' AND active",
    );
    ctKey = createPublicKey({ key: tree!.public_key, format: 'der', type: 'spki' });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('starts an empty CT tree with its own key and origin, and serves the CA root', async () => {
    const trees = await db.query<{ purpose: string; origin: string; id: string; key: Buffer }>(
      'SELECT purpose, origin, id, public_key AS key FROM log_tree ORDER BY purpose',
    );
    expect(trees.map((t) => t.purpose)).toEqual(['artifact', 'ct', 'rekor-v2']);
    expect(trees[1]!.origin).toBe(`127.0.0.1:3000/ct/${trees[1]!.id}`);
    expect(trees[1]!.key.equals(trees[0]!.key)).toBe(false);
    expect(await sth()).toMatchObject({
      tree_size: 0,
      sha256_root_hash: b64(sha256(Buffer.alloc(0))),
    });
    expect((await http.get('/ct/v1/get-roots')).body).toEqual({ certificates: [b64(pki.root)] });
  });

  it('answers add-pre-chain with an SCT that verifySct and sigstore-js accept in the final certificate', async () => {
    const leaf = newLeaf();
    const sct = await addPreChain(leaf);
    expect(b64(sct.logId)).toBe(b64(sha256(ctKey.export({ type: 'spki', format: 'der' }))));
    expect(Number(sct.timestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(sct.extensions).toHaveLength(0);
    verifySct(sct, precertEntry(await leaf.precertificate(), pki.intermediate), ctKey);

    const final = SigstoreCertificate.parse(Buffer.from(await leaf.certificate([sct])));
    const issuer = SigstoreCertificate.parse(Buffer.from(pki.intermediate));
    expect(verifySCTs(final, issuer, sigstoreLogs('ctlogs', ctKey))).toEqual([
      Buffer.from(sct.logId),
    ]);
    // The same check fails for an SCT that was not signed over this certificate.
    const forged = { ...sct, timestamp: sct.timestamp + 1n };
    const tampered = SigstoreCertificate.parse(Buffer.from(await leaf.certificate([forged])));
    expect(() => verifySCTs(tampered, issuer, sigstoreLogs('ctlogs', ctKey))).toThrow(
      'SCT verification failed',
    );

    const [row] = await db.query<{ kind: string; purpose: string; sig: Buffer; global: string }>(
      `SELECT kind, purpose, signed_entry_timestamp AS sig, global_index AS global FROM log_entry
       WHERE purpose = 'ct' ORDER BY global_index DESC LIMIT 1`,
    );
    expect(row).toMatchObject({ kind: 'precert_entry', purpose: 'ct', global: '0' });
    expect(b64(row!.sig.subarray(4))).toBe(b64(sct.signature));
  });

  it('signs the tree head with the CT key and proves the entry by hash (RFC 6962 §4.3, §4.5)', async () => {
    const leaf = newLeaf();
    const sct = await addPreChain(leaf);
    const head = await sth();
    expect(head.tree_size).toBe(2);
    expect(head.timestamp).toBeGreaterThanOrEqual(Number(sct.timestamp));
    // RFC 6962 §3.5, built here independently of the log's code.
    const signed = Buffer.alloc(2 + 8 + 8 + 32);
    signed.writeUInt8(0, 0);
    signed.writeUInt8(1, 1);
    signed.writeBigUInt64BE(BigInt(head.timestamp), 2);
    signed.writeBigUInt64BE(BigInt(head.tree_size), 10);
    unb64(head.sha256_root_hash).copy(signed, 18);
    const signature = unb64(head.tree_head_signature);
    expect([signature[0], signature[1], signature.readUInt16BE(2)]).toEqual([
      4,
      3,
      signature.length - 4,
    ]);
    expect(verify('sha256', signed, ctKey, signature.subarray(4))).toBe(true);
    signed.writeBigUInt64BE(1n, 10);
    expect(verify('sha256', signed, ctKey, signature.subarray(4))).toBe(false);

    const leafHash = hashLeaf(
      merkleTreeLeaf({
        timestamp: sct.timestamp,
        entry: precertEntry(await leaf.precertificate(), pki.intermediate),
      }),
    );
    const proof = await http
      .get('/ct/v1/get-proof-by-hash')
      .query({ hash: b64(leafHash), tree_size: head.tree_size });
    expect(proof.status).toBe(200);
    expect(proof.body.leaf_index).toBe(1);
    verifyInclusion(
      leafHash,
      1n,
      BigInt(head.tree_size),
      (proof.body.audit_path as string[]).map(unb64),
      unb64(head.sha256_root_hash),
    );
  });

  it('logs final certificates with add-chain and concurrent precertificates, and proves consistency', async () => {
    const before = await sth();
    const leaf = newLeaf();
    const sct = await addPreChain(leaf);
    const final = await leaf.certificate([sct]);
    const res = await http.post('/ct/v1/add-chain').send(chainOf(final));
    expect(res.status).toBe(200);
    logged.push({ type: 'x509', der: final });
    verifySct(
      sctOf(res.body as Record<string, unknown>),
      { type: 'x509', certificate: final },
      ctKey,
    );
    await Promise.all(Array.from({ length: 5 }, () => addPreChain(newLeaf())));

    const after = await sth();
    expect(after.tree_size).toBe(before.tree_size + 7);
    const proof = await http
      .get('/ct/v1/get-sth-consistency')
      .query({ first: before.tree_size, second: after.tree_size });
    expect(proof.status).toBe(200);
    verifyConsistency(
      BigInt(before.tree_size),
      BigInt(after.tree_size),
      (proof.body.consistency as string[]).map(unb64),
      unb64(before.sha256_root_hash),
      unb64(after.sha256_root_hash),
    );
    expect(() =>
      verifyConsistency(
        BigInt(before.tree_size),
        BigInt(after.tree_size),
        (proof.body.consistency as string[]).map(unb64),
        unb64(before.sha256_root_hash),
        sha256(Buffer.from('another root')),
      ),
    ).toThrow();
  });

  it('serves the CT tree as C2SP tiles under /ct/, the same tree as /api/v2/trees/<its ID>/', async () => {
    const head = await sth();
    expect(head.tree_size).toBeGreaterThan(0);
    const checkpoint = await http.get('/ct/checkpoint');
    expect(checkpoint.status).toBe(200);
    expect(checkpoint.text.split('\n')[1]).toBe(String(head.tree_size));
    expect(checkpoint.text).not.toBe((await http.get('/api/v1/log/checkpoint')).text);
    const [tree] = await db.query<{ id: string }>(
      "SELECT id::text FROM log_tree WHERE purpose = 'ct' AND frozen_at IS NULL",
    );
    expect((await http.get(`/api/v2/trees/${tree!.id}/checkpoint`)).text).toBe(checkpoint.text);
    const reader = new TileReader(BigInt(head.tree_size), async (level, index, width) => {
      const res = await http
        .get(`/ct/${formatTilePath(level, index, width)}`)
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      return res.body as Buffer;
    });
    expect(Buffer.from(await reader.rootHash())).toEqual(unb64(head.sha256_root_hash));
  });

  it('lets an auditor list every certificate the CA issued, with its chain and an inclusion proof', async () => {
    const head = await sth();
    expect(head.tree_size).toBe(logged.length);
    const res = await http.get('/ct/v1/get-entries').query({ start: 0, end: head.tree_size - 1 });
    expect(res.status).toBe(200);
    const entries = res.body.entries as Array<{ leaf_input: string; extra_data: string }>;
    expect(entries).toHaveLength(logged.length);
    const seen: Array<{ type: string; der: string }> = [];
    for (const [index, entry] of entries.entries()) {
      const leafInput = unb64(entry.leaf_input);
      const leaf = new Tls(leafInput);
      expect([leaf.uint(1), leaf.uint(1)]).toEqual([0, 0]); // v1, timestamped_entry
      leaf.take(8);
      const type = leaf.uint(2);
      const extra = new Tls(unb64(entry.extra_data));
      let der: Buffer;
      if (type === 0) {
        der = leaf.vector(3);
      } else {
        expect(type).toBe(1);
        const issuerKeyHash = leaf.take(32);
        expect(b64(issuerKeyHash)).toBe(b64(ctIssuerKeyHash(pki.intermediate)));
        leaf.vector(3);
        der = extra.vector(3); // PrecertChainEntry.pre_certificate
      }
      expect(leaf.vector(2)).toHaveLength(0);
      expect(leaf.offset).toBe(leafInput.length);
      expect(extra.certificates().map(b64)).toEqual([b64(pki.intermediate), b64(pki.root)]);
      expect(extra.offset).toBe(extra.bytes.length);
      seen.push({ type: type === 0 ? 'x509' : 'precert', der: b64(der) });

      const leafHash = hashLeaf(leafInput);
      const proof = await http
        .get('/ct/v1/get-proof-by-hash')
        .query({ hash: b64(leafHash), tree_size: head.tree_size });
      expect(proof.body.leaf_index).toBe(index);
      verifyInclusion(
        leafHash,
        BigInt(index),
        BigInt(head.tree_size),
        (proof.body.audit_path as string[]).map(unb64),
        unb64(head.sha256_root_hash),
      );
    }
    // Concurrent submissions land in any order.
    const key = (e: { type: string; der: string }) => `${e.type}:${e.der}`;
    expect(seen.map(key).sort()).toEqual(
      logged.map((l) => key({ type: l.type, der: b64(l.der) })).sort(),
    );

    const page = await http.get('/ct/v1/get-entries').query({ start: 1, end: 2 });
    expect((page.body.entries as unknown[]).map((e) => e)).toEqual(entries.slice(1, 3));
  });

  it('answers a resubmitted (even re-signed) precertificate with its first SCT and logs nothing', async () => {
    const leaf = newLeaf();
    const first = await addPreChain(leaf);
    const before = await state();
    const again = await http
      .post('/ct/v1/add-pre-chain')
      .send(chainOf(await leaf.precertificate()));
    expect(again.status).toBe(200);
    expect(sctOf(again.body as Record<string, unknown>)).toEqual(first);
    expect(await state()).toEqual(before);
  });

  it('keeps CT entries out of the Rekor API and numbers artifact indices separately', async () => {
    expect((await http.get('/api/v1/log/entries?logIndex=0')).status).toBe(404);
    const signed = await signedHashedRekord(pki, Buffer.from('artifact next to CT entries'));
    // This log app trusts the same CA for artifact entries.
    const res = await http.post('/api/v1/log/entries').send(signed.proposed);
    expect(res.status).toBe(201);
    expect(Object.values(res.body as Record<string, { logIndex: number }>)[0]!.logIndex).toBe(0);
  });

  describe('refusals: a precise 400 and nothing written', () => {
    let other: TestPki;
    beforeAll(async () => {
      other = await testPki();
    });

    async function refused(path: 'add-chain' | 'add-pre-chain', body: unknown): Promise<string> {
      const before = await state();
      const res = await http.post(`/ct/v1/${path}`).send(body as object);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 400, message: expect.any(String) });
      expect(await state()).toEqual(before);
      return (res.body as { message: string }).message;
    }

    it('refuses a chain from another CA', async () => {
      const precertificate = await newLeaf(other).precertificate();
      expect(await refused('add-pre-chain', chainOf(precertificate, other))).toMatch(
        /^chain\[1\] "O=Signet, CN=Signet Test Intermediate" is not one of this instance's CA certificates$/,
      );
      expect(await refused('add-pre-chain', { chain: [b64(precertificate)] })).toMatch(
        /^chain\[0\] serial 0x[0-9a-f]+ was not issued by any of this instance's CA certificates$/,
      );
      const final = await newLeaf(other).certificate();
      expect(await refused('add-chain', { chain: [b64(final)] })).toMatch(
        /^the chain does not verify up to one of this instance's CA roots: leaf /,
      );
    });

    it('refuses a chain whose certificates do not sign each other', async () => {
      const precertificate = await newLeaf().precertificate();
      expect(
        await refused('add-pre-chain', { chain: [b64(precertificate), b64(pki.root)] }),
      ).toMatch(
        /^chain\[0\] serial 0x[0-9a-f]+ is not signed by chain\[1\] "O=Signet, CN=Signet Test Root"$/,
      );
      expect(
        await refused('add-pre-chain', {
          chain: [b64(precertificate), b64(other.intermediate), b64(pki.root)],
        }),
      ).toMatch(/is not signed by chain\[1\]/);
    });

    it('refuses a certificate without the poison on add-pre-chain, and a precertificate on add-chain', async () => {
      const leaf = newLeaf();
      expect(await refused('add-pre-chain', chainOf(await leaf.certificate()))).toBe(
        'chain[0] lacks the CT poison extension 1.3.6.1.4.1.11129.2.4.3: add-pre-chain takes precertificates; submit certificates to add-chain',
      );
      expect(await refused('add-chain', chainOf(await leaf.precertificate()))).toBe(
        'chain[0] is a precertificate (it carries the CT poison extension 1.3.6.1.4.1.11129.2.4.3): submit it to add-pre-chain',
      );
    });

    it('refuses malformed bodies, base64 and certificates', async () => {
      const precertificate = b64(await newLeaf().precertificate());
      expect(await refused('add-pre-chain', { chain: [precertificate, 'not base64!'] })).toBe(
        'chain[1] is not canonical standard base64',
      );
      expect(await refused('add-pre-chain', { chain: [b64(Buffer.from('hello'))] })).toMatch(
        /^chain\[0\] is not a DER X\.509 certificate: /,
      );
      expect(await refused('add-pre-chain', { chain: [] })).toBe(
        'chain must be an array of 1 to 10 base64 DER certificates, leaf first',
      );
      expect(await refused('add-pre-chain', { chain: [precertificate], extra: 1 })).toBe(
        'extra: unknown field (expected only chain)',
      );
      expect(await refused('add-chain', [precertificate])).toBe(
        'request body must be a JSON object {"chain": [...]}',
      );
    });
  });

  it('refuses reads beyond the signed tree head and unknown hashes', async () => {
    const head = await sth();
    const bad = async (path: string, query: object, status: number, message: RegExp) => {
      const res = await http.get(`/ct/v1/${path}`).query(query);
      expect(res.status).toBe(status);
      expect((res.body as { message: string }).message).toMatch(message);
    };
    await bad(
      'get-entries',
      { start: head.tree_size, end: head.tree_size },
      400,
      /^start \d+ is not below the tree size/,
    );
    await bad('get-entries', { start: 2, end: 1 }, 400, /^start 2 is greater than end 1$/);
    await bad(
      'get-sth-consistency',
      { first: 1, second: head.tree_size + 1 },
      400,
      /^second \d+ is greater than the tree size/,
    );
    await bad('get-sth-consistency', { first: 0, second: 1 }, 400, /^first must be at least 1$/);
    await bad(
      'get-proof-by-hash',
      { hash: b64(sha256(Buffer.from('x'))), tree_size: head.tree_size },
      404,
      /^no entry with leaf hash/,
    );
    await bad(
      'get-proof-by-hash',
      { hash: 'AAAA', tree_size: 1 },
      400,
      /^hash must be a base64 SHA-256 leaf hash/,
    );
    await bad('get-entries', { start: 'x', end: 1 }, 400, /^start must be an integer/);
  });
});
