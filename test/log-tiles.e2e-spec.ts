/* The C2SP tlog-tiles read API of the transparency log: the checkpoint, hash tiles and entry
   bundles, read over HTTP as a tiles client would, and proofs rebuilt from those tiles alone. */
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import {
  decodeEntryBundle,
  formatTilePath,
  hashLeaf,
  rootFromLeafHashes,
  TileReader,
  verifyConsistency,
  verifyInclusion,
} from '@app/merkle';
import { noteVerifierOf, openCheckpoint, parsePublicKey } from '@app/signing';
import type { KeyObject } from 'node:crypto';
import { TransparencyLogModule } from '../apps/transparency-log/src/app.module';
import { bootApp, testConfig } from './support/apps';
import { createTestDatabase, type TestDatabase } from './support/database';
import { logFixture, type LogFixture, signedHashedRekord } from './support/log-fixtures';

type Entry = {
  body: string;
  logIndex: number;
  verification: { inclusionProof: { logIndex: number; treeSize: number; hashes: string[] } };
};

const ENTRIES = 300; // one full level-0 tile (256) and a partial one of 44
const PARTIAL = ENTRIES - 256;
const IMMUTABLE = 'public, max-age=31536000, immutable';
const KEY_NAME = '127.0.0.1:3000';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('transparency log: C2SP tlog-tiles', () => {
  let db: TestDatabase;
  let fx: LogFixture;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let logKey: KeyObject;
  let treeID: string;
  /** Canonical bodies by leaf index, as the POST answers returned them. */
  const bodies: Buffer[] = [];
  const leafHashes = () => bodies.map((b) => Buffer.from(hashLeaf(b)));

  /** GET as bytes (supertest leaves application/octet-stream unparsed otherwise). */
  const getBytes = (path: string) =>
    http
      .get(path)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

  /** A tiles client: every tile a reader needs is fetched over HTTP, and recorded. */
  const httpReader = (treeSize: bigint, fetched: string[], prefix = '/api/v1/log/') =>
    new TileReader(treeSize, async (level, index, width) => {
      const path = formatTilePath(level, index, width);
      fetched.push(path);
      const res = await getBytes(prefix + path);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return res.body as Buffer;
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    fx = await logFixture();
    app = await bootApp(TransparencyLogModule.forRoot(testConfig(db.url, fx.env)));
    http = request(app.getHttpServer());
    for (let start = 0; start < ENTRIES; start += 50) {
      const signed = await Promise.all(
        Array.from({ length: Math.min(50, ENTRIES - start) }, (_, i) =>
          signedHashedRekord(fx.pki, Buffer.from(`tiled artifact ${start + i}`)),
        ),
      );
      const answers = await Promise.all(
        signed.map((s) => http.post('/api/v1/log/entries').send(s.proposed)),
      );
      for (const res of answers) {
        expect(res.status).toBe(201);
        const entry = Object.values(res.body as Record<string, Entry>)[0]!;
        bodies[entry.logIndex] = Buffer.from(entry.body, 'base64');
      }
    }
    logKey = parsePublicKey((await http.get('/api/v1/log/publicKey')).text);
    treeID = (await http.get('/api/v1/log')).body.treeID as string;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    fx?.close();
  });

  it('logged every entry exactly once, at leaf indices 0..299', () => {
    expect(bodies).toHaveLength(ENTRIES);
    expect(bodies.every((b) => b instanceof Buffer)).toBe(true);
    expect(new Set(leafHashes().map(hex)).size).toBe(ENTRIES);
  });

  it('serves the checkpoint as signed text with a short cache lifetime, equal to LogInfo', async () => {
    const res = await http.get('/api/v1/log/checkpoint');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=1');
    const { checkpoint, note } = openCheckpoint(
      res.text,
      [noteVerifierOf(logKey, KEY_NAME)],
      `${KEY_NAME} - ${treeID}`,
    );
    expect(note.verified.map((s) => s.name)).toEqual([KEY_NAME]);
    expect(note.unverified).toEqual([]);
    expect(checkpoint.treeSize).toBe(BigInt(ENTRIES));
    expect(hex(checkpoint.rootHash)).toBe(hex(rootFromLeafHashes(leafHashes())));
    const info = await http.get('/api/v1/log');
    expect(info.body).toMatchObject({
      treeSize: ENTRIES,
      rootHash: hex(checkpoint.rootHash),
      signedTreeHead: res.text,
      treeID,
    });
    // A checkpoint signed under another key name is not accepted.
    expect(() => openCheckpoint(res.text, [noteVerifierOf(logKey, 'elsewhere.example')])).toThrow();
  });

  it('serves full and partial hash tiles, immutable, holding the leaf hashes and the level-1 node', async () => {
    const full = await getBytes('/api/v1/log/tile/0/000');
    expect(full.status).toBe(200);
    expect(full.headers['content-type']).toBe('application/octet-stream');
    expect(full.headers['cache-control']).toBe(IMMUTABLE);
    expect((full.body as Buffer).length).toBe(32 * 256);

    const partial = await getBytes(`/api/v1/log/tile/0/001.p/${PARTIAL}`);
    expect(partial.status).toBe(200);
    expect(partial.headers['cache-control']).toBe(IMMUTABLE);
    expect((partial.body as Buffer).length).toBe(32 * PARTIAL);

    // Every leaf hash of the tree, in order, is in the level-0 tiles.
    const level0 = Buffer.concat([full.body as Buffer, partial.body as Buffer]);
    expect(level0.equals(Buffer.concat(leafHashes()))).toBe(true);

    const level1 = await getBytes('/api/v1/log/tile/1/000.p/1');
    expect(level1.status).toBe(200);
    expect(level1.headers['cache-control']).toBe(IMMUTABLE);
    expect(hex(level1.body as Buffer)).toBe(hex(rootFromLeafHashes(leafHashes().slice(0, 256))));

    // A partial read of a full tile is a prefix of it.
    const prefix = await getBytes('/api/v1/log/tile/0/000.p/5');
    expect(prefix.status).toBe(200);
    expect((prefix.body as Buffer).equals((full.body as Buffer).subarray(0, 5 * 32))).toBe(true);
  });

  it('rebuilds inclusion proofs from tiles alone, equal to the log’s and verifying against the checkpoint', async () => {
    const fetched: string[] = [];
    const reader = httpReader(BigInt(ENTRIES), fetched);
    const res = await http.get('/api/v1/log/checkpoint');
    const { checkpoint } = openCheckpoint(res.text, [noteVerifierOf(logKey, KEY_NAME)]);
    expect(hex(await reader.rootHash())).toBe(hex(checkpoint.rootHash));

    for (const index of [0, 1, 137, 255, 256, 298, 299]) {
      const proof = await reader.inclusionProof(BigInt(index));
      verifyInclusion(
        hashLeaf(bodies[index]!),
        BigInt(index),
        checkpoint.treeSize,
        proof,
        checkpoint.rootHash,
      );
      const served = await http.get(`/api/v1/log/entries?logIndex=${index}`);
      const entry = Object.values(served.body as Record<string, Entry>)[0]!;
      expect(entry.verification.inclusionProof).toMatchObject({
        logIndex: index,
        treeSize: ENTRIES,
      });
      expect(entry.verification.inclusionProof.hashes).toEqual(proof.map(hex));
    }
    // Only the three tiles of the tree at size 300 were read, each once.
    expect([...fetched].sort()).toEqual([
      'tile/0/000',
      `tile/0/001.p/${PARTIAL}`,
      'tile/1/000.p/1',
    ]);
  });

  it('rebuilds consistency proofs from tiles alone, equal to /api/v1/log/proof and verifying', async () => {
    const reader = httpReader(BigInt(ENTRIES), []);
    const root2 = await reader.rootHash();
    for (const size1 of [1, 2, 100, 255, 256, 257, 299, 300]) {
      const proof = await reader.consistencyProof(BigInt(size1));
      // The old root comes from the entry bodies, independently of the tiles.
      const root1 = rootFromLeafHashes(leafHashes().slice(0, size1));
      verifyConsistency(BigInt(size1), BigInt(ENTRIES), proof, root1, root2);
      const served = await http.get(`/api/v1/log/proof?firstSize=${size1}&lastSize=${ENTRIES}`);
      expect(served.status).toBe(200);
      expect(served.body).toEqual({ rootHash: hex(root2), hashes: proof.map(hex) });
    }
  });

  it('detects a tampered tile: the rebuilt proof no longer leads to the checkpoint root', async () => {
    const reader = new TileReader(BigInt(ENTRIES), async (level, index, width) => {
      const tile = Buffer.from(
        (await getBytes(`/api/v1/log/${formatTilePath(level, index, width)}`)).body as Buffer,
      );
      if (level === 1) tile[0]! ^= 1;
      return tile;
    });
    const root = rootFromLeafHashes(leafHashes());
    const proof = await reader.inclusionProof(299n);
    expect(() =>
      verifyInclusion(hashLeaf(bodies[299]!), 299n, BigInt(ENTRIES), proof, root),
    ).toThrow(
      /^inclusion proof for leafIndex 299 in treeSize 300 leads to root [0-9a-f]{64}, expected rootHash [0-9a-f]{64}$/,
    );
  });

  it('serves entry bundles holding exactly the canonical bodies, whose hashes are the level-0 tiles', async () => {
    const res = await getBytes('/api/v1/log/tile/entries/000');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['cache-control']).toBe(IMMUTABLE);
    const first = decodeEntryBundle(res.body as Buffer, 256);
    expect(first.map(hex)).toEqual(bodies.slice(0, 256).map(hex));

    const rest = await getBytes(`/api/v1/log/tile/entries/001.p/${PARTIAL}`);
    expect(rest.status).toBe(200);
    const second = decodeEntryBundle(rest.body as Buffer, PARTIAL);
    expect(second.map(hex)).toEqual(bodies.slice(256).map(hex));

    const tiles = Buffer.concat([
      (await getBytes('/api/v1/log/tile/0/000')).body as Buffer,
      (await getBytes(`/api/v1/log/tile/0/001.p/${PARTIAL}`)).body as Buffer,
    ]);
    const bundled = [...first, ...second];
    bundled.forEach((body, i) =>
      expect(hex(hashLeaf(body))).toBe(hex(tiles.subarray(i * 32, (i + 1) * 32))),
    );
    for (const n of [0, 128, 255, 256, 299]) {
      const served = await http.get(`/api/v1/log/entries?logIndex=${n}`);
      const entry = Object.values(served.body as Record<string, Entry>)[0]!;
      expect(entry.body).toBe(Buffer.from(bundled[n]!).toString('base64'));
    }
  });

  it.each([
    ['tile/0/001', `tile/0/001 is not part of the tree at its checkpointed size ${ENTRIES}`],
    [
      `tile/0/001.p/${PARTIAL + 1}`,
      `tile/0/001.p/${PARTIAL + 1} is not part of the tree at its checkpointed size ${ENTRIES}`,
    ],
    [
      'tile/0/002.p/1',
      `tile/0/002.p/1 is not part of the tree at its checkpointed size ${ENTRIES}`,
    ],
    ['tile/1/000', `tile/1/000 is not part of the tree at its checkpointed size ${ENTRIES}`],
    [
      'tile/1/000.p/2',
      `tile/1/000.p/2 is not part of the tree at its checkpointed size ${ENTRIES}`,
    ],
    [
      'tile/2/000.p/1',
      `tile/2/000.p/1 is not part of the tree at its checkpointed size ${ENTRIES}`,
    ],
    [
      'tile/entries/001',
      `tile/entries/001 is not part of the tree at its checkpointed size ${ENTRIES}`,
    ],
    [
      `tile/entries/001.p/${PARTIAL + 1}`,
      `tile/entries/001.p/${PARTIAL + 1} is not part of the tree at its checkpointed size ${ENTRIES}`,
    ],
  ])('answers 404 for %s, beyond the checkpoint', async (path, message) => {
    const res = await http.get(`/api/v1/log/${path}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 404, message });
  });

  it.each([
    ['tile/0/1', "invalid tile path 'tile/0/1': index element '1' must be 3 digits"],
    [
      'tile/0/x000/001',
      "invalid tile path 'tile/0/x000/001': index has a leading 'x000' element; the canonical encoding omits it",
    ],
    [
      'tile/0/001.p/0',
      "invalid tile path 'tile/0/001.p/0': partial width '0' must be a decimal 1..255 without leading zeros",
    ],
    [
      'tile/0/001.p/256',
      "invalid tile path 'tile/0/001.p/256': partial width '256' must be a decimal 1..255 without leading zeros",
    ],
    [
      'tile/00/000',
      "invalid tile path 'tile/00/000': level '00' must be 'entries' or a decimal 0..63 without leading zeros",
    ],
  ])('answers 404 for the malformed path %s', async (path, message) => {
    const res = await http.get(`/api/v1/log/${path}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 404, message });
  });

  it('serves the Rekor v2 shard, not the v1 tree, at /api/v2/checkpoint (origin: its hostname)', async () => {
    const v1 = await http.get('/api/v1/log/checkpoint');
    const v2 = await http.get('/api/v2/checkpoint');
    expect(v2.status).toBe(200);
    expect(v2.text).not.toBe(v1.text);
    expect(v2.text.split('\n')[0]).toBe('localhost');
  });

  it('serves the same checkpoint and tiles under /api/v2/trees/<treeID>/', async () => {
    const active = await http.get('/api/v1/log/checkpoint');
    const byTree = await http.get(`/api/v2/trees/${treeID}/checkpoint`);
    expect(byTree.status).toBe(200);
    expect(byTree.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(byTree.headers['cache-control']).toBe('public, max-age=1');
    expect(byTree.text).toBe(active.text);

    const fetched: string[] = [];
    const reader = httpReader(BigInt(ENTRIES), fetched, `/api/v2/trees/${treeID}/`);
    expect(hex(await reader.rootHash())).toBe(hex(rootFromLeafHashes(leafHashes())));
    const bundle = await getBytes(`/api/v2/trees/${treeID}/tile/entries/001.p/${PARTIAL}`);
    expect(decodeEntryBundle(bundle.body as Buffer).map(hex)).toEqual(bodies.slice(256).map(hex));

    const missing = await http.get('/api/v2/trees/12345/checkpoint');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ code: 404, message: 'no tree 12345' });
    const bad = await http.get('/api/v2/trees/abc/tile/0/000');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      code: 400,
      message: 'treeId must be an integer between 0 and 9223372036854775807',
    });
  });

  it('keeps served tiles unchanged as the log grows, and serves the wider tile once checkpointed', async () => {
    const before = await getBytes(`/api/v1/log/tile/0/001.p/${PARTIAL}`);
    const bundleBefore = await getBytes(`/api/v1/log/tile/entries/001.p/${PARTIAL}`);
    const signed = await signedHashedRekord(fx.pki, Buffer.from('one more'));
    const created = await http.post('/api/v1/log/entries').send(signed.proposed);
    expect(created.status).toBe(201);
    const body = Buffer.from(
      Object.values(created.body as Record<string, Entry>)[0]!.body,
      'base64',
    );

    const after = await getBytes(`/api/v1/log/tile/0/001.p/${PARTIAL}`);
    expect((after.body as Buffer).equals(before.body as Buffer)).toBe(true);
    const bundleAfter = await getBytes(`/api/v1/log/tile/entries/001.p/${PARTIAL}`);
    expect((bundleAfter.body as Buffer).equals(bundleBefore.body as Buffer)).toBe(true);

    const wider = await getBytes(`/api/v1/log/tile/0/001.p/${PARTIAL + 1}`);
    expect(wider.status).toBe(200);
    expect((wider.body as Buffer).subarray(0, 32 * PARTIAL).equals(before.body as Buffer)).toBe(
      true,
    );
    expect(hex((wider.body as Buffer).subarray(32 * PARTIAL))).toBe(hex(hashLeaf(body)));

    const { checkpoint } = openCheckpoint((await http.get('/api/v1/log/checkpoint')).text, [
      noteVerifierOf(logKey, KEY_NAME),
    ]);
    expect(checkpoint.treeSize).toBe(BigInt(ENTRIES + 1));
    const reader = httpReader(checkpoint.treeSize, []);
    verifyConsistency(
      BigInt(ENTRIES),
      checkpoint.treeSize,
      await reader.consistencyProof(BigInt(ENTRIES)),
      rootFromLeafHashes(leafHashes()),
      checkpoint.rootHash,
    );
  });
});
