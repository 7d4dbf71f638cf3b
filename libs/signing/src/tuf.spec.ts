import { canonicalize } from '@tufjs/canonical-json';
import { Metadata, MetadataKind } from '@tufjs/models';
import { createHash } from 'node:crypto';
import { generateKeyPair } from './keys';
import { KeyObjectSigner } from './signers';
import {
  buildTufSnapshot,
  buildTufTargets,
  buildTufTimestamp,
  signTufMetadata,
  tufKeyOf,
  tufMetadataBytes,
} from './tuf';
import { buildTufRoot, parseTufRoot, verifyTufRootHistory } from './tuf-root';

const signer = (alg: Parameters<typeof generateKeyPair>[0] = 'ecdsa-p256-sha256') =>
  new KeyObjectSigner(generateKeyPair(alg).privateKey);
const inAYear = new Date(Date.now() + 365 * 86_400_000);

/** Root metadata `version` listing `rootKey`, delegating to `online`, signed by `signers`. */
const signedRoot = (
  version: number,
  rootKey: KeyObjectSigner,
  online: KeyObjectSigner,
  signers = [rootKey],
) =>
  signTufMetadata(
    buildTufRoot({
      version,
      expires: inAYear,
      rootKeys: [rootKey.publicKey],
      onlineKey: online.publicKey,
    }),
    signers,
  );

describe('tufKeyOf', () => {
  it('describes a P-256 key as Sigstore does, with the SHA-256 of its canonical JSON as key id', () => {
    const key = tufKeyOf(signer().publicKey);
    const json = key.toJSON();
    expect(json).toMatchObject({ keytype: 'ecdsa', scheme: 'ecdsa-sha2-nistp256' });
    expect((json.keyval as { public: string }).public).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(key.keyID).toBe(createHash('sha256').update(canonicalize(json)).digest('hex'));
  });

  it('describes an Ed25519 key by its 32 raw bytes in hex', () => {
    const json = tufKeyOf(signer('ed25519').publicKey).toJSON();
    expect(json).toMatchObject({ keytype: 'ed25519', scheme: 'ed25519' });
    expect((json.keyval as { public: string }).public).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(['ecdsa-p384-sha384', 'rsa-pkcs1-sha256'] as const)('rejects %s keys', (alg) => {
    expect(() => tufKeyOf(signer(alg).publicKey)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_KEY' }),
    );
  });
});

describe('TUF metadata', () => {
  const rootKey = signer();
  const online = signer('ed25519');

  it('signs every role so that the root delegation verifies it, as tuf-js checks it', async () => {
    const root = await signedRoot(1, rootKey, online);
    const targets = await signTufMetadata(
      buildTufTargets({
        version: 3,
        expires: inAYear,
        files: { 'trusted_root.json': Buffer.from('{}') },
      }),
      [online],
    );
    const snapshot = await signTufMetadata(
      buildTufSnapshot({ version: 3, expires: inAYear, targetsVersion: 3 }),
      [online],
    );
    const timestamp = await signTufMetadata(
      buildTufTimestamp({ version: 1_795_000_000, expires: inAYear, snapshotVersion: 3 }),
      [online],
    );
    // Round-trip through the served bytes, as a client reads them.
    const reread = <K extends MetadataKind>(kind: K, md: Metadata<never>) =>
      Metadata.fromJSON(kind as MetadataKind.Root, JSON.parse(tufMetadataBytes(md).toString()));
    const servedRoot = reread(MetadataKind.Root, root as Metadata<never>);
    expect(() => servedRoot.verifyDelegate('root', servedRoot)).not.toThrow();
    for (const [role, md] of [
      ['targets', targets],
      ['snapshot', snapshot],
      ['timestamp', timestamp],
    ] as const) {
      expect(() => servedRoot.verifyDelegate(role, md)).not.toThrow();
      expect(() => servedRoot.verifyDelegate('root', md)).toThrow('root was signed by 0/1 keys');
    }
    expect(targets.signed.targets['trusted_root.json']).toMatchObject({
      length: 2,
      hashes: { sha256: createHash('sha256').update('{}').digest('hex') },
    });
    expect(timestamp.signed.snapshotMeta.version).toBe(3);
    expect(JSON.parse(tufMetadataBytes(timestamp).toString()).signed.expires).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
  });

  it('rejects metadata whose signed part was changed after signing', async () => {
    const root = await signedRoot(1, rootKey, online);
    const json = JSON.parse(tufMetadataBytes(root).toString()) as { signed: { expires: string } };
    json.signed.expires = '2099-01-01T00:00:00Z';
    const tampered = parseTufRoot(Buffer.from(JSON.stringify(json)));
    expect(() => verifyTufRootHistory([tampered])).toThrow(
      expect.objectContaining({
        code: 'INVALID_SIGNATURE',
        message: expect.stringMatching(/^1\.root\.json/),
      }),
    );
  });
});
