import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { hashLeaf, verifyConsistency, verifyInclusion } from '@app/merkle';
import { openCheckpoint, noteVerifierOf, parsePublicKey, verifyEntryTimestamp } from '@app/signing';
import { searchIndex } from '../apps/cli/src/log/log-api';
import { recordingContext } from '../apps/cli/src/cli/testing';
import { TransparencyLogModule } from '../apps/transparency-log/src/app.module';
import type { LogEntryBody as Entry } from '../apps/transparency-log/src/personalities/rekor-v1/log-entry.view';
import { bootApp, testConfig } from './support/apps';
import { createTestDatabase, type TestDatabase } from './support/database';
import {
  logFixture,
  type LogFixture,
  signedHashedRekord,
  verifyWithSigstore,
} from './support/log-fixtures';

const only = (answer: Record<string, Entry>): [string, Entry] => Object.entries(answer)[0]!;
const hex = (s: string) => Buffer.from(s, 'hex');

describe('transparency log: Rekor v1 entries', () => {
  let db: TestDatabase;
  let fx: LogFixture;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;

  const boot = async () => {
    app = await bootApp(TransparencyLogModule.forRoot(testConfig(db.url, fx.env)), 131072);
    http = request(app.getHttpServer());
  };
  const counts = async () =>
    (
      await db.query<{ entries: string; keys: string; size: string }>(
        `SELECT (SELECT count(*) FROM log_entry) AS entries, (SELECT count(*) FROM search_index) AS keys,
                (SELECT max(size) FROM tree_state) AS size`,
      )
    )[0];

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = await logFixture();
    await boot();
  });
  afterAll(async () => {
    await app?.close();
    await db.drop();
    fx?.close();
  });

  it('logs a hashedrekord entry: 201 with the Rekor shape, a SET, an inclusion proof and a checkpoint', async () => {
    const signed = await signedHashedRekord(fx.pki, Buffer.from('artifact one'));
    const res = await http.post('/api/v1/log/entries').send(signed.proposed);
    expect(res.status).toBe(201);
    const [uuid, entry] = only(res.body);
    expect(uuid).toMatch(/^[0-9a-f]{80}$/);
    expect(res.headers.etag).toBe(uuid);
    expect(res.headers.location).toBe(`/api/v1/log/entries/${uuid}`);
    const body = Buffer.from(entry.body, 'base64');
    expect(uuid.slice(16)).toBe(Buffer.from(hashLeaf(body)).toString('hex'));
    expect(JSON.parse(body.toString())).toMatchObject({
      kind: 'hashedrekord',
      apiVersion: '0.0.1',
    });
    expect(entry.logIndex).toBe(0);
    expect(Math.abs(entry.integratedTime - Date.now() / 1000)).toBeLessThan(60);

    const keyPem = (await http.get('/api/v1/log/publicKey')).text;
    const logKey = parsePublicKey(keyPem);
    // Our own verifiers…
    verifyEntryTimestamp(
      logKey,
      {
        body: entry.body,
        integratedTime: entry.integratedTime,
        logID: entry.logID,
        logIndex: entry.logIndex,
      },
      Buffer.from(entry.verification.signedEntryTimestamp, 'base64'),
    );
    const proof = entry.verification.inclusionProof;
    const { checkpoint } = openCheckpoint(proof.checkpoint, [
      noteVerifierOf(logKey, '127.0.0.1:3000'),
    ]);
    expect(checkpoint.treeSize).toBe(BigInt(proof.treeSize));
    expect(Buffer.from(checkpoint.rootHash).toString('hex')).toBe(proof.rootHash);
    verifyInclusion(
      hashLeaf(body),
      BigInt(proof.logIndex),
      BigInt(proof.treeSize),
      proof.hashes.map(hex),
      hex(proof.rootHash),
    );
    // …and sigstore-js's.
    verifyWithSigstore(entry, logKey);

    // Stored deflated, about a quarter smaller, and served back as the same canonical bytes.
    const [stored] = await db.query<{ body_deflated: boolean; length: number }>(
      'SELECT body_deflated, octet_length(body) AS length FROM log_entry WHERE leaf_hash = $1',
      [Buffer.from(hashLeaf(body))],
    );
    expect(stored?.body_deflated).toBe(true);
    expect(stored!.length).toBeLessThan(body.length * 0.85);
    const [, served] = only((await http.get(`/api/v1/log/entries/${uuid}`)).body);
    expect(served.body).toBe(entry.body);
  });

  it('answers an identical entry with 409 and the Location of the existing one, which GET serves', async () => {
    const signed = await signedHashedRekord(fx.pki, Buffer.from('artifact twice'));
    const first = await http.post('/api/v1/log/entries').send(signed.proposed);
    expect(first.status).toBe(201);
    const before = await counts();
    const again = await http.post('/api/v1/log/entries').send(signed.proposed);
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      code: 409,
      message: expect.stringMatching(
        /^an equivalent entry already exists in the log: [0-9a-f]{80}$/,
      ),
    });
    expect(again.headers.location).toBe(first.headers.location);
    expect(await counts()).toEqual(before);
    const fetched = await http.get(again.headers.location as string);
    expect(fetched.status).toBe(200);
    const [uuid, entry] = only(fetched.body);
    expect(uuid).toBe(first.headers.etag);
    verifyWithSigstore(entry, parsePublicKey((await http.get('/api/v1/log/publicKey')).text));
  });

  it('serves entries by logIndex, by 64- and 80-hex UUID, and through retrieve', async () => {
    const signed = await signedHashedRekord(fx.pki, Buffer.from('artifact three'));
    const created = await http.post('/api/v1/log/entries').send(signed.proposed);
    const [uuid, entry] = only(created.body);
    const byIndex = await http.get(`/api/v1/log/entries?logIndex=${entry.logIndex}`);
    expect(Object.keys(byIndex.body)).toEqual([uuid]);
    const byShort = await http.get(`/api/v1/log/entries/${uuid.slice(16)}`);
    expect(Object.keys(byShort.body)).toEqual([uuid]);
    const retrieved = await http
      .post('/api/v1/log/entries/retrieve')
      .send({ entryUUIDs: [uuid], logIndexes: [entry.logIndex, 999999] });
    expect(retrieved.status).toBe(200);
    expect((retrieved.body as object[]).map((e) => Object.keys(e)[0])).toEqual([uuid, uuid]);
    const byContent = await http
      .post('/api/v1/log/entries/retrieve')
      .send({ entries: [signed.proposed] });
    expect((byContent.body as object[]).map((e) => Object.keys(e)[0])).toEqual([uuid]);
    expect((await http.get('/api/v1/log/entries?logIndex=999999')).body).toEqual({
      code: 404,
      message: 'no entry at logIndex 999999',
    });
    expect((await http.get('/api/v1/log/entries/xyz')).body).toEqual({
      code: 400,
      message: 'entryUUID must be 64 or 80 hexadecimal characters',
    });
  });

  it('finds entries by artifact digest, signer email and public key, never missing one', async () => {
    const signed = await signedHashedRekord(
      fx.pki,
      Buffer.from('artifact searched'),
      'Searcher@Example.com',
    );
    const created = await http.post('/api/v1/log/entries').send(signed.proposed);
    const uuid = created.headers.etag as string;
    const search = (q: object) => http.post('/api/v1/index/retrieve').send(q);
    expect((await search({ hash: `sha256:${signed.digest.toString('hex')}` })).body).toEqual([
      uuid,
    ]);
    expect((await search({ email: 'searcher@example.com' })).body).toEqual([uuid]);
    const publicKey = {
      format: 'x509',
      content: Buffer.from(signed.certificatePem).toString('base64'),
    };
    expect((await search({ publicKey })).body).toEqual([uuid]);
    expect(
      (
        await search({
          email: 'searcher@example.com',
          hash: 'sha256:' + '0'.repeat(64),
          operator: 'and',
        })
      ).body,
    ).toEqual([]);
    const hash = `sha256:${signed.digest.toString('hex')}`;
    expect((await search({ email: 'searcher@example.com', hash, operator: 'and' })).body).toEqual([
      uuid,
    ]);
    expect(
      (await search({ email: 'nobody@example.com', hash, publicKey, operator: 'or' })).body,
    ).toEqual([uuid]);
    expect(
      (await search({ email: 'nobody@example.com', hash: 'sha256:' + '0'.repeat(64) })).body,
    ).toEqual([]);
    // The subject of an e-mail identity is the same key: "and" of a key with itself.
    expect(
      (
        await search({
          email: 'searcher@example.com',
          subject: 'Searcher@example.com',
          operator: 'and',
        })
      ).body,
    ).toEqual([uuid]);
    expect((await search({ hash: 'sha256:abc' })).body).toEqual({
      code: 400,
      message: 'hash must be [sha256:|sha384:|sha512:]<hex digest of the right length>',
    });
    expect((await search({})).status).toBe(422);
  });

  it('pages a search: the first page with a Link to the next, every UUID once, in log order (L7)', async () => {
    const email = 'pager@example.com';
    const created: Array<{ uuid: string; logIndex: number }> = [];
    for (let i = 0; i < 5; i++) {
      const signed = await signedHashedRekord(fx.pki, Buffer.from(`paged ${i}`), email);
      const [uuid, entry] = only(
        (await http.post('/api/v1/log/entries').send(signed.proposed)).body,
      );
      created.push({ uuid, logIndex: entry.logIndex });
    }
    created.sort((a, b) => a.logIndex - b.logIndex);
    // A stock client re-posts the same body to the URL of the Link header, resolved against its own.
    const query = { email };
    const pages: string[][] = [];
    const links: Array<string | undefined> = [];
    let path: string | undefined = '/api/v1/index/retrieve?limit=2';
    while (path !== undefined) {
      const res: { status: number; body: string[]; headers: Record<string, string | undefined> } =
        await http.post(path).send(query);
      expect(res.status).toBe(200);
      pages.push(res.body);
      const link = res.headers.link;
      links.push(link);
      path = link === undefined ? undefined : /^<([^>]+)>; rel="next"$/.exec(link)![1];
      expect(pages.length).toBeLessThanOrEqual(3);
    }
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(created.map((c) => c.uuid));
    expect(links).toEqual([
      expect.stringMatching(
        /^<\/api\/v1\/index\/retrieve\?after=[A-Za-z0-9_-]{11}&limit=2>; rel="next"$/,
      ),
      expect.stringMatching(
        /^<\/api\/v1\/index\/retrieve\?after=[A-Za-z0-9_-]{11}&limit=2>; rel="next"$/,
      ),
      undefined,
    ]);
    // Without a limit, one page of up to 1,000 and no Link: the body stock clients read, unchanged.
    const all = await http.post('/api/v1/index/retrieve').send(query);
    expect(all.body).toEqual(created.map((c) => c.uuid));
    expect(all.headers.link).toBeUndefined();
    // A page that ends exactly with the last entry has no next page.
    const exact = await http.post('/api/v1/index/retrieve?limit=5').send(query);
    expect(exact.body).toHaveLength(5);
    expect(exact.headers.link).toBeUndefined();
    // `signet log search` follows the pages too.
    await app.listen(0, '127.0.0.1');
    const logUrl = await app.getUrl();
    expect(await searchIndex(recordingContext(), logUrl, query, 2)).toEqual(
      created.map((c) => c.uuid),
    );
  });

  it('serves LogInfo and consistency proofs that verify between any two checkpoints', async () => {
    const first = await http.get('/api/v1/log');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      treeID: expect.stringMatching(/^\d+$/),
      inactiveShards: [],
    });
    const size1 = first.body.treeSize as number;
    for (const n of [1, 2, 3]) {
      await http
        .post('/api/v1/log/entries')
        .send((await signedHashedRekord(fx.pki, Buffer.from(`grow ${n}`))).proposed);
    }
    const second = await http.get('/api/v1/log');
    const size2 = second.body.treeSize as number;
    expect(size2).toBe(size1 + 3);
    const proof = await http.get(`/api/v1/log/proof?firstSize=${size1}&lastSize=${size2}`);
    expect(proof.status).toBe(200);
    expect(proof.body.rootHash).toBe(second.body.rootHash);
    verifyConsistency(
      BigInt(size1),
      BigInt(size2),
      (proof.body.hashes as string[]).map(hex),
      hex(first.body.rootHash),
      hex(second.body.rootHash),
    );
    expect((await http.get(`/api/v1/log/proof?firstSize=1&lastSize=${size2 + 1}`)).body).toEqual({
      code: 400,
      message: `lastSize ${size2 + 1} is greater than the tree size ${size2}`,
    });
  });
});
