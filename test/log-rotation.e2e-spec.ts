/* A new LOG_KEY freezes the current tree and starts a new one: old entries stay readable and
   verifiable under the old key, global indices continue, LogInfo lists the frozen shard. */
import { createHash, sign } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import { generateKeyPair, parsePublicKey, writeEncryptedPrivateKey } from '@app/signing';
import { TransparencyLogModule } from '../apps/transparency-log/src/app.module';
import type { LogEntryBody } from '../apps/transparency-log/src/personalities/rekor-v1/log-entry.view';
import { bootApp, testConfig } from './support/apps';
import { createTestDatabase } from './support/database';
import {
  logFixture,
  type LogFixture,
  signedHashedRekord,
  verifyWithSigstore,
} from './support/log-fixtures';

const first = (body: Record<string, LogEntryBody>): LogEntryBody => Object.values(body)[0]!;

describe('transparency log: key rotation into a new tree', () => {
  let fx: LogFixture | undefined;
  afterAll(() => fx?.close());

  it('freezes the old tree, keeps it verifiable, and continues global indices in the new one', async () => {
    const db = await createTestDatabase();
    fx = await logFixture();
    const keyFile = join(fx.dir, 'rotated-log-key.pem');
    await writeEncryptedPrivateKey(
      keyFile,
      generateKeyPair('ecdsa-p256-sha256').privateKey,
      'correct horse',
    );

    let app = await bootApp(TransparencyLogModule.forRoot(testConfig(db.url, fx.env)));
    let http = request(app.getHttpServer());
    const old = first(
      (
        await http
          .post('/api/v1/log/entries')
          .send((await signedHashedRekord(fx.pki, Buffer.from('old 0'))).proposed)
      ).body,
    );
    await http
      .post('/api/v1/log/entries')
      .send((await signedHashedRekord(fx.pki, Buffer.from('old 1'))).proposed);
    const oldKey = parsePublicKey((await http.get('/api/v1/log/publicKey')).text);
    const oldInfo = (await http.get('/api/v1/log')).body as { treeID: string; treeSize: number };
    await app.close();

    app = await bootApp(
      TransparencyLogModule.forRoot(
        testConfig(db.url, { ...fx.env, LOG_KEY: keyFile, LOG_KEY_PASSPHRASE: 'correct horse' }),
      ),
    );
    http = request(app.getHttpServer());
    const info = (await http.get('/api/v1/log')).body as {
      treeID: string;
      treeSize: number;
      inactiveShards: Array<{ treeID: string; treeSize: number }>;
    };
    expect(info.treeID).not.toBe(oldInfo.treeID);
    expect(info.treeSize).toBe(0);
    expect(info.inactiveShards).toEqual([
      expect.objectContaining({ treeID: oldInfo.treeID, treeSize: 2 }),
    ]);

    const next = first(
      (
        await http
          .post('/api/v1/log/entries')
          .send((await signedHashedRekord(fx.pki, Buffer.from('new 0'))).proposed)
      ).body,
    );
    expect(next.logIndex).toBe(2);
    expect(next.verification.inclusionProof.logIndex).toBe(0);
    const newKey = parsePublicKey((await http.get('/api/v1/log/publicKey')).text);
    verifyWithSigstore(next, newKey);

    // The frozen tree still serves its entries, proofs and key.
    const again = first((await http.get(`/api/v1/log/entries?logIndex=${old.logIndex}`)).body);
    expect(again.body).toBe(old.body);
    verifyWithSigstore(again, oldKey);
    expect(
      parsePublicKey(
        (await http.get(`/api/v1/log/publicKey?treeID=${oldInfo.treeID}`)).text,
      ).equals(oldKey),
    ).toBe(true);
    expect((await http.get(`/api/v2/trees/${oldInfo.treeID}/checkpoint`)).text).toBe(
      again.verification.inclusionProof.checkpoint,
    );
    await app.close();
    await db.drop();
  });

  it('a new LOG_V2_KEY needs a new hostname: refused on the old one, the old shard then answers 405', async () => {
    const db = await createTestDatabase();
    const writer = generateKeyPair('ecdsa-p256-sha256');
    const writerPem = writer.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const v2fx = await logFixture(writerPem);
    try {
      const keyFile = join(v2fx.dir, 'rotated-v2-key.pem');
      await writeEncryptedPrivateKey(keyFile, generateKeyPair('ed25519').privateKey, 'pass');
      const boot = (env: Record<string, string>) =>
        bootApp(TransparencyLogModule.forRoot(testConfig(db.url, { ...v2fx.env, ...env })));
      const activeV2 = async () =>
        db.query<{ id: string; origin: string; active: boolean }>(
          "SELECT id::text, origin, active FROM log_tree WHERE purpose = 'rekor-v2' ORDER BY created_at",
        );
      const first = await boot({ LOG_V2_PUBLIC_URL: 'http://shard1.localhost:3000' });
      await first.close();
      const before = await activeV2();
      expect(before).toEqual([
        expect.objectContaining({ origin: 'shard1.localhost', active: true }),
      ]);

      const rotated = { LOG_V2_KEY: keyFile, LOG_V2_KEY_PASSPHRASE: 'pass' };
      await expect(
        boot({ ...rotated, LOG_V2_PUBLIC_URL: 'http://shard1.localhost:3000' }),
      ).rejects.toThrow(
        `the rekor-v2 signing key changed, but the new tree's checkpoint origin "shard1.localhost" is tree ${before[0]!.id}'s; give the new tree a new hostname (LOG_V2_PUBLIC_URL) or restore the previous key`,
      );
      expect(await activeV2()).toEqual(before);

      const app = await boot({ ...rotated, LOG_V2_PUBLIC_URL: 'http://shard2.localhost:3000' });
      const trees = await activeV2();
      expect(trees.map((t) => [t.origin, t.active])).toEqual([
        ['shard1.localhost', false],
        ['shard2.localhost', true],
      ]);
      const http = request(app.getHttpServer());
      const artifact = Buffer.from('after the rotation');
      const body = {
        hashedRekordRequestV002: {
          digest: createHash('sha256').update(artifact).digest('base64'),
          signature: {
            content: sign('sha256', artifact, writer.privateKey).toString('base64'),
            verifier: {
              publicKey: {
                rawBytes: writer.publicKey
                  .export({ type: 'spki', format: 'der' })
                  .toString('base64'),
              },
              keyDetails: 'PKIX_ECDSA_P256_SHA_256',
            },
          },
        },
      };
      const frozen = await http
        .post('/api/v2/log/entries')
        .set('Host', 'shard1.localhost')
        .send(body);
      expect(frozen.status).toBe(405);
      expect(frozen.headers['x-http-error-message']).toBe(
        'This log has been frozen, please switch to the latest log.',
      );
      const current = await http
        .post('/api/v2/log/entries')
        .set('Host', 'shard2.localhost')
        .send(body);
      expect(current.status).toBe(201);
      expect(
        (await http.get('/api/v2/checkpoint').set('Host', 'shard1.localhost')).text.split('\n')[0],
      ).toBe('shard1.localhost');
      expect(
        (await http.get('/api/v2/checkpoint').set('Host', 'shard2.localhost')).text.split('\n')[0],
      ).toBe('shard2.localhost');
      await app.close();
    } finally {
      v2fx.close();
      await db.drop();
    }
  });
});
