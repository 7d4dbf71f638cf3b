/* A new LOG_KEY freezes the current tree and starts a new one: old entries stay readable and
   verifiable under the old key, global indices continue, LogInfo lists the frozen shard. */
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
});
