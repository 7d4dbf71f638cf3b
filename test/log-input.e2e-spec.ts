/* Bad input and unauthorized writers: a precise 4xx naming the field or check, and nothing written. */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHash, type KeyObject, sign } from 'node:crypto';
import request from 'supertest';
import {
  buildLeaf,
  certificatesToPem,
  FulcioOid,
  generateKeyPair,
  preAuthEncoding,
  publicKeyToPem,
} from '@app/signing';
import { TransparencyLogModule } from '../apps/transparency-log/src/app.module';
import { testLeafRequest, testPki } from '../libs/signing/src/x509/testing';
import { bootApp, testConfig } from './support/apps';
import { createTestDatabase, type TestDatabase } from './support/database';
import {
  hashedRekord,
  logFixture,
  type LogFixture,
  signedHashedRekord,
} from './support/log-fixtures';

describe('transparency log: bad input and write authorization', () => {
  let db: TestDatabase;
  let fx: LogFixture;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  const allowed = generateKeyPair('ecdsa-p256-sha256');

  const state = async () =>
    (
      await db.query(
        `SELECT (SELECT count(*) FROM log_entry) AS entries, (SELECT count(*) FROM search_index) AS keys,
                (SELECT max(size) FROM tree_state) AS size, (SELECT count(*) FROM checkpoint) AS checkpoints,
                (SELECT count(*) FROM hash_tile) AS tiles`,
      )
    )[0];

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = await logFixture(publicKeyToPem(allowed.publicKey));
    app = await bootApp(
      TransparencyLogModule.forRoot(testConfig(db.url, { ...fx.env, LOG_MAX_BODY_BYTES: '4096' })),
      4096,
    );
    http = request(app.getHttpServer());
    // One good entry first, so "unchanged" means more than an empty log.
    expect(
      (
        await http
          .post('/api/v1/log/entries')
          .send((await signedHashedRekord(fx.pki, Buffer.from('seed'))).proposed)
      ).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await app?.close();
    await db.drop();
    fx?.close();
  });

  /** Posts `body` (object or raw string) and returns the answer, asserting the log did not change. */
  async function rejected(
    body: unknown,
    raw = false,
  ): Promise<{ status: number; body: { code: number; message: string } }> {
    const before = await state();
    const req = http.post('/api/v1/log/entries').set('Content-Type', 'application/json');
    const res = await req.send(raw ? (body as string) : JSON.stringify(body));
    expect(await state()).toEqual(before);
    return { status: res.status, body: res.body as { code: number; message: string } };
  }

  it('rejects malformed JSON', async () => {
    expect(await rejected('{"kind": ', true)).toEqual({
      status: 400,
      body: { code: 400, message: 'request body is not valid JSON' },
    });
  });

  it('rejects an oversized body with 413 naming the limit', async () => {
    expect(await rejected({ pad: 'x'.repeat(5000) })).toEqual({
      status: 413,
      body: { code: 413, message: 'request body exceeds the limit of 4096 bytes' },
    });
  });

  it('rejects an unknown kind and an unknown version', async () => {
    const signed = await signedHashedRekord(fx.pki, Buffer.from('kinds'));
    const unknownKind = await rejected({ ...signed.proposed, kind: 'rpm' });
    expect(unknownKind.status).toBe(400);
    expect(unknownKind.body.message).toMatch(/^kind: unsupported kind "rpm"/);
    const unknownVersion = await rejected({ ...signed.proposed, apiVersion: '0.0.9' });
    expect(unknownVersion.status).toBe(400);
    expect(unknownVersion.body.message).toMatch(/^apiVersion: /);
    expect(unknownVersion.body.message).toContain('0.0.9');
  });

  it('rejects bad base64, bad PEM and a digest of the wrong length, naming the field', async () => {
    const s = await signedHashedRekord(fx.pki, Buffer.from('fields'));
    const badBase64 = await rejected({
      ...s.proposed,
      spec: {
        ...(s.proposed.spec as object),
        signature: {
          content: '%%%',
          publicKey: { content: Buffer.from(s.certificatePem).toString('base64') },
        },
      },
    });
    expect(badBase64.status).toBe(400);
    expect(badBase64.body.message).toMatch(/^spec\.signature\.content: /);
    const badPem = await rejected(
      hashedRekord(
        s.digest,
        s.signature,
        '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
      ),
    );
    expect(badPem.status).toBe(400);
    expect(badPem.body.message).toMatch(/^spec\.signature\.publicKey\.content: /);
    const shortDigest = await rejected(
      hashedRekord(s.digest.subarray(1), s.signature, s.certificatePem),
    );
    expect(shortDigest.status).toBe(400);
    expect(shortDigest.body.message).toMatch(/^spec\.data\.hash\.value: .*64/);
  });

  it('rejects a signature that does not verify over the digest', async () => {
    const s = await signedHashedRekord(fx.pki, Buffer.from('signature'));
    const flipped = Buffer.from(s.signature);
    flipped[flipped.length - 1]! ^= 1;
    const res = await rejected(hashedRekord(s.digest, flipped, s.certificatePem));
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^spec\.signature: /);
  });

  it('refuses (403) a certificate from a CA this log does not trust', async () => {
    const stranger = await testPki();
    const s = await signedHashedRekord(stranger, Buffer.from('stranger'));
    const res = await rejected(s.proposed);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/^the signing certificate is not trusted by this log: /);
  });

  it('refuses (403) a bare public key that is not listed, and accepts one that is', async () => {
    const artifact = Buffer.from('bare key');
    const digest = createHash('sha256').update(artifact).digest();
    const other = generateKeyPair('ecdsa-p256-sha256');
    const refused = await rejected(
      hashedRekord(
        digest,
        sign('sha256', artifact, { key: other.privateKey, dsaEncoding: 'der' }),
        publicKeyToPem(other.publicKey),
      ),
    );
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(
      /^public key sha256:[0-9a-f]{64} may not write to this log/,
    );
    const ok = await http
      .post('/api/v1/log/entries')
      .send(
        hashedRekord(
          digest,
          sign('sha256', artifact, { key: allowed.privateKey, dsaEncoding: 'der' }),
          publicKeyToPem(allowed.publicKey),
        ),
      );
    expect(ok.status).toBe(201);
  });

  /** A dsse proposal by `keys` whose signatures are well-formed but verify with nothing. */
  const unverifiableDsse = (keys: readonly KeyObject[], signatures: number) => ({
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      proposedContent: {
        envelope: JSON.stringify({
          payload: Buffer.from('{}').toString('base64'),
          payloadType: 'application/vnd.in-toto+json',
          signatures: Array.from({ length: signatures }, (_, i) => ({
            sig: Buffer.alloc(96, i + 1).toString('base64'),
          })),
        }),
        verifiers: keys.map((k) => Buffer.from(publicKeyToPem(k)).toString('base64')),
      },
    },
  });
  const strangers = () =>
    Array.from({ length: 8 }, () => generateKeyPair('ecdsa-p384-sha384').publicKey);

  it('refuses (403) unauthorized dsse verifiers before it verifies any signature', async () => {
    // Were signatures verified first, this would be a 400 naming signatures[0].
    const res = await rejected(unverifiableDsse(strangers(), 8));
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/^public key sha256:[0-9a-f]{64} may not write to this log/);
  });

  it('refuses more than 8 dsse signatures (400, naming the field) before authorization', async () => {
    expect(await rejected(unverifiableDsse(strangers(), 9))).toEqual({
      status: 400,
      body: {
        code: 400,
        message:
          'spec.proposedContent.envelope.signatures: has 9 signatures; at most 8 are accepted',
      },
    });
  });

  it('finds nothing for a retrieve whose verifiers may not write, without verifying it', async () => {
    const res = await http
      .post('/api/v1/log/entries/retrieve')
      .send({ entries: [unverifiableDsse(strangers(), 8)] });
    expect({ status: res.status, body: res.body as unknown }).toEqual({ status: 200, body: [] });
  });

  it('refuses (400, naming the field) NUL and other control characters in search keys', async () => {
    for (const [query, message] of [
      [{ email: 'a\u0000@b' }, 'email must not contain control characters'],
      [{ subject: '\u0000' }, 'subject must not contain control characters'],
      [
        { subject: 'https://ci.example.com/\u001b[2J' },
        'subject must not contain control characters',
      ],
    ] as const) {
      const before = await state();
      const res = await http.post('/api/v1/index/retrieve').send(query);
      expect({ status: res.status, body: res.body as unknown }).toEqual({
        status: 400,
        body: { code: 400, message },
      });
      expect(await state()).toEqual(before);
    }
  });

  it('refuses (400, naming it) a malformed search cursor or page size, reading and writing nothing (L7)', async () => {
    const query = { email: 'dev@example.com' };
    const cursor = 'after must be a cursor from the Link header of the previous page';
    const limit = 'limit must be an integer from 1 to 1000';
    for (const [path, message] of [
      ['?after=', cursor],
      ['?after=42', cursor],
      ['?after=AAAAAAAAAAE%3D', cursor],
      ['?after=AAAAAAAAAA%2B', cursor],
      ['?after=AAAAAAAAAAB', cursor],
      ['?after=g_________8', cursor],
      ['?after=AAAAAAAAAAE&after=AAAAAAAAAAI', cursor],
      ['?limit=0', limit],
      ['?limit=1001', limit],
      ['?limit=-1', limit],
      ['?limit=2.5', limit],
      ['?limit=ten', limit],
      ['?limit=2&limit=3', limit],
      ['?after=AAAAAAAAAAE&limit=0', limit],
    ] as const) {
      const before = await state();
      const res = await http.post(`/api/v1/index/retrieve${path}`).send(query);
      expect({ path, status: res.status, body: res.body as unknown }).toEqual({
        path,
        status: 400,
        body: { code: 400, message },
      });
      expect(res.headers.link).toBeUndefined();
      expect(await state()).toEqual(before);
    }
    // A well-formed cursor past the end is an empty page, not an error.
    const past = await http.post('/api/v1/index/retrieve?after=f_________8').send(query);
    expect({ status: past.status, body: past.body as unknown }).toEqual({ status: 200, body: [] });
  });

  it('rejects bad queries on the read endpoints', async () => {
    expect((await http.get('/api/v1/log/entries?logIndex=-1')).body).toEqual({
      code: 400,
      message: 'logIndex must be an integer between 0 and 9223372036854775807',
    });
    expect((await http.get('/api/v1/log/proof?lastSize=abc')).body).toEqual({
      code: 400,
      message: 'lastSize must be an integer between 0 and 9223372036854775807',
    });
    expect((await http.get('/api/v1/log/proof')).body).toEqual({
      code: 400,
      message: 'lastSize is required',
    });
    const tooMany = await http
      .post('/api/v1/log/entries/retrieve')
      .send({ logIndexes: Array.from({ length: 11 }, (_, i) => i) });
    expect(tooMany.body).toEqual({
      code: 422,
      message: 'logIndexes has 11 items; at most 10 are allowed',
    });
    expect((await http.get('/api/v1/log/entries?logIndex=9223372036854775808')).body).toEqual({
      code: 400,
      message: 'logIndex must be an integer between 0 and 9223372036854775807',
    });
    expect((await http.get(`/api/v1/log/entries/ffffffffffffffff${'0'.repeat(64)}`)).status).toBe(
      404,
    );
    const missingTree = await http.get('/api/v1/log/publicKey?treeID=12345');
    expect(missingTree.body).toEqual({ code: 404, message: 'no tree 12345' });
    expect(missingTree.headers['content-type']).toBe('application/json; charset=utf-8');
    expect((await http.get('/api/v1/nope')).body).toEqual({
      code: 404,
      message: 'no route for GET /api/v1/nope',
    });
  });
});

describe('transparency log: append-only in the database, and restarts', () => {
  let db: TestDatabase;
  let fx: LogFixture;

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = await logFixture();
  });
  afterAll(async () => {
    await db.drop();
    fx?.close();
  });

  it('keeps entries and checkpoints across a restart and resumes at the right size', async () => {
    let app = await bootApp(TransparencyLogModule.forRoot(testConfig(db.url, fx.env)));
    for (const n of [1, 2, 3]) {
      const res = await request(app.getHttpServer())
        .post('/api/v1/log/entries')
        .send((await signedHashedRekord(fx.pki, Buffer.from(`r${n}`))).proposed);
      expect(res.status).toBe(201);
    }
    const before = (await request(app.getHttpServer()).get('/api/v1/log')).body;
    await app.close();

    app = await bootApp(TransparencyLogModule.forRoot(testConfig(db.url, fx.env)));
    const after = (await request(app.getHttpServer()).get('/api/v1/log')).body;
    expect(after).toEqual(before);
    const next = await request(app.getHttpServer())
      .post('/api/v1/log/entries')
      .send((await signedHashedRekord(fx.pki, Buffer.from('r4'))).proposed);
    expect(Object.values(next.body as Record<string, { logIndex: number }>)[0]!.logIndex).toBe(3);
    await app.close();
  });

  it('refuses UPDATE, DELETE and TRUNCATE of entries, checkpoints and full history, and any shrinking tile', async () => {
    const refuse = async (sql: string, message: RegExp) => {
      await expect(db.query(sql)).rejects.toThrow(message);
    };
    await refuse(
      "UPDATE log_entry SET kind = 'x'",
      /UPDATE on log_entry is not allowed: the log is append-only/,
    );
    await refuse(
      'DELETE FROM log_entry',
      /DELETE on log_entry is not allowed: the log is append-only/,
    );
    await refuse('TRUNCATE log_entry', /TRUNCATE on log_entry is not allowed/);
    await refuse("UPDATE checkpoint SET note = 'x'", /UPDATE on checkpoint is not allowed/);
    await refuse('DELETE FROM checkpoint', /DELETE on checkpoint is not allowed/);
    await refuse('DELETE FROM search_index', /DELETE on search_index is not allowed/);
    await refuse(
      'UPDATE hash_tile SET hashes = substring(hashes FROM 1 FOR 32) WHERE length(hashes) > 32',
      /may only grow by appending hashes/,
    );
    await refuse(
      "UPDATE hash_tile SET hashes = decode(repeat('00', length(hashes) + 32), 'hex')",
      /may only grow by appending hashes/,
    );
    await refuse('DELETE FROM hash_tile', /DELETE on hash_tile is not allowed/);
    await refuse('UPDATE tree_state SET size = size - 1', /may not shrink/);
    await refuse(
      "UPDATE log_tree SET active = true, public_key = public_key || '\\x00'::bytea",
      /may only be frozen/,
    );
    const [{ entries }] = (await db.query<{ entries: string }>(
      'SELECT count(*) AS entries FROM log_entry',
    )) as [{ entries: string }];
    expect(entries).toBe('4');
  });
});

/** A fresh database and test CA, and the log booted on them with `env`, for one suite. */
function logForSuite(env: Record<string, string> = {}) {
  const suite = {} as { db: TestDatabase; fx: LogFixture; app: NestExpressApplication };
  beforeAll(async () => {
    suite.db = await createTestDatabase();
    suite.fx = await logFixture();
    suite.app = await bootApp(
      TransparencyLogModule.forRoot(testConfig(suite.db.url, { ...suite.fx.env, ...env })),
    );
  });
  afterAll(async () => {
    await suite.app?.close();
    await suite.db?.drop();
    suite.fx?.close();
  });
  return suite;
}

describe('transparency log: entries larger than a C2SP entry bundle holds', () => {
  // The default request limit (128 KiB): the entry is small, its canonical body is not.
  const suite = logForSuite();

  it('refuses (413, naming the limit) a dsse entry whose canonical body exceeds 65535 bytes, writing nothing', async () => {
    const { privateKey, publicKey } = generateKeyPair('ecdsa-p256-sha256');
    const leaf = await buildLeaf(
      testLeafRequest(suite.fx.pki, new Date(Date.now() - 60_000), {
        subjectPublicKey: publicKey,
        extensions: { [FulcioOid.issuerV2]: 'https://accounts.example.com/'.padEnd(7000, 'a') },
      }),
    ).certificate();
    const payload = Buffer.from('{}');
    const payloadType = 'application/vnd.in-toto+json';
    // The canonical body repeats the ~14 KB verifier once per distinct signature.
    const signatures = Array.from({ length: 8 }, () => ({
      sig: sign('sha256', preAuthEncoding(payloadType, payload), {
        key: privateKey,
        dsaEncoding: 'der',
      }).toString('base64'),
    }));
    const proposed = {
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        proposedContent: {
          envelope: JSON.stringify({
            payload: payload.toString('base64'),
            payloadType,
            signatures,
          }),
          verifiers: [Buffer.from(certificatesToPem([leaf])).toString('base64')],
        },
      },
    };
    const count = async () =>
      (
        await suite.db.query(
          'SELECT count(*) AS n, (SELECT count(*) FROM checkpoint) AS c FROM log_entry',
        )
      )[0];
    const before = await count();
    const res = await request(suite.app.getHttpServer()).post('/api/v1/log/entries').send(proposed);
    expect(res.status).toBe(413);
    expect((res.body as { message: string }).message).toMatch(
      /^entry: the canonical entry would take \d+ bytes; a C2SP entry bundle holds at most 65535$/,
    );
    expect(await count()).toEqual(before);
  });
});

describe('transparency log: a bounded queue of entries waiting to be integrated', () => {
  // One entry may wait; it waits 1.5 s for its batch to fill, so the second finds the queue full.
  const suite = logForSuite({
    LOG_QUEUE_MAX_ENTRIES: '1',
    LOG_BATCH_MAX_SIZE: '16',
    LOG_BATCH_MAX_WAIT_MS: '1500',
  });

  it('answers 503 with Retry-After past LOG_QUEUE_MAX_ENTRIES, and takes entries again once it drains', async () => {
    const http = request(suite.app.getHttpServer());
    const post = async (name: string) =>
      http
        .post('/api/v1/log/entries')
        .send((await signedHashedRekord(suite.fx.pki, Buffer.from(name))).proposed);
    const first = post('first');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refused = await post('second');
    expect({ status: refused.status, body: refused.body as unknown }).toEqual({
      status: 503,
      body: {
        code: 503,
        message:
          'the log has 1 entries waiting to be integrated (LOG_QUEUE_MAX_ENTRIES); retry later',
      },
    });
    expect(refused.headers['retry-after']).toBe('1');
    expect((await first).status).toBe(201);
    const [{ n }] = (await suite.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM log_entry',
    )) as [{ n: string }];
    expect(n).toBe('1');
    expect((await post('second')).status).toBe(201);
  });
});
