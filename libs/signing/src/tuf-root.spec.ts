import { canonicalize } from '@tufjs/canonical-json';
import { Key, Signature } from '@tufjs/models';
import { createHash } from 'node:crypto';
import { generateKeyPair } from './keys';
import { KeyObjectSigner } from './signers';
import { signTufMetadata, tufKeyOf } from './tuf';
import {
  buildTufRoot,
  parseTufRoot,
  tufRootSignatures,
  tufRootVersions,
  verifyTufRootHistory,
} from './tuf-root';

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

describe('verifyTufRootHistory', () => {
  const oldKey = signer();
  const newKey = signer();
  const online = signer();

  it('accepts a root key rotation signed by the old and the new root key', async () => {
    const history = [
      await signedRoot(1, oldKey, online),
      await signedRoot(2, newKey, online, [oldKey, newKey]),
    ];
    expect(() => verifyTufRootHistory(history)).not.toThrow();
  });

  it('rejects a new root that the previous root keys did not sign', async () => {
    const history = [
      await signedRoot(1, oldKey, online),
      await signedRoot(2, newKey, online, [newKey]),
    ];
    expect(() => verifyTufRootHistory(history)).toThrow(
      expect.objectContaining({
        code: 'INVALID_SIGNATURE',
        message: expect.stringMatching(
          /^2\.root\.json is not signed by the root keys of version 1/,
        ),
      }),
    );
  });

  it('rejects a new root that its own root keys did not sign', async () => {
    const history = [
      await signedRoot(1, oldKey, online),
      await signedRoot(2, newKey, online, [oldKey]),
    ];
    expect(() => verifyTufRootHistory(history)).toThrow(/of version 2/);
  });

  it('rejects a gap in the versions', async () => {
    const history = [await signedRoot(1, oldKey, online), await signedRoot(3, oldKey, online)];
    expect(() => verifyTufRootHistory(history)).toThrow(
      expect.objectContaining({
        code: 'INVALID_TUF_METADATA',
        message: 'root version 2 expected, found 3',
      }),
    );
  });

  it('rejects bytes that are not root metadata', () => {
    expect(() => parseTufRoot(Buffer.from('{"signed":{"_type":"targets"}}'))).toThrow(
      expect.objectContaining({ code: 'INVALID_TUF_METADATA' }),
    );
  });
});

describe('k-of-n root keys (L5c)', () => {
  const online = signer();
  const [a, b, c, d, e, f] = Array.from({ length: 6 }, () => signer());
  /** Root `version` listing `keys` with threshold `k`, signed by `signers`. */
  const kOfN = (version: number, keys: KeyObjectSigner[], k: number, signers: KeyObjectSigner[]) =>
    signTufMetadata(
      buildTufRoot({
        version,
        expires: inAYear,
        rootKeys: keys.map((s) => s.publicKey),
        rootThreshold: k,
        onlineKey: online.publicKey,
      }),
      signers,
    );
  const id = (s: KeyObjectSigner) => tufKeyOf(s.publicKey).keyID;

  it('lists n root keys with threshold k, the online roles keeping threshold 1', () => {
    const root = buildTufRoot({
      version: 1,
      expires: inAYear,
      rootKeys: [a!.publicKey, b!.publicKey, c!.publicKey],
      rootThreshold: 2,
      onlineKey: online.publicKey,
    });
    const json = root.toJSON() as {
      roles: Record<string, { keyids: string[]; threshold: number }>;
    };
    expect(json.roles.root).toEqual({ keyids: [id(a!), id(b!), id(c!)], threshold: 2 });
    for (const role of ['targets', 'snapshot', 'timestamp']) {
      expect(json.roles[role]).toEqual({ keyids: [id(online)], threshold: 1 });
    }
  });

  it('refuses a threshold that is not an integer from 1 to n, no key, and a key listed twice', () => {
    const build = (keys: KeyObjectSigner[], k: number) => () =>
      buildTufRoot({
        version: 1,
        expires: inAYear,
        rootKeys: keys.map((s) => s.publicKey),
        rootThreshold: k,
        onlineKey: online.publicKey,
      });
    for (const [keys, k, n] of [
      [[a!, b!], 3, 2],
      [[a!, b!], 0, 2],
      [[a!, b!], 1.5, 2],
      [[], 1, 0],
    ] as const) {
      expect(build([...keys], k)).toThrow(
        expect.objectContaining({
          code: 'INVALID_TUF_METADATA',
          message: `the root threshold must be an integer from 1 to ${n} (the number of root keys), not ${k}`,
        }),
      );
    }
    expect(build([a!, b!, a!], 2)).toThrow(
      expect.objectContaining({
        code: 'INVALID_TUF_METADATA',
        message: `root key ${id(a!)} is listed twice`,
      }),
    );
  });

  it('accepts a 2-of-3 history, each root signed by 2 keys of the previous root and 2 of its own', async () => {
    const history = [
      await kOfN(1, [a!, b!, c!], 2, [a!, c!]),
      // Renewal: the same keys, two of them sign.
      await kOfN(2, [a!, b!, c!], 2, [b!, c!]),
      // Rotation to d, e, f: two old keys and two new ones sign.
      await kOfN(3, [d!, e!, f!], 2, [a!, b!, e!, f!]),
    ];
    expect(() => verifyTufRootHistory(history)).not.toThrow();
    expect(tufRootSignatures(history[1]!, history[2]!)).toEqual({
      keyIDs: [id(a!), id(b!)],
      threshold: 2,
    });
  });

  it('refuses a root signed by fewer than k of the previous root keys, or of its own', async () => {
    const first = await kOfN(1, [a!, b!, c!], 2, [a!, b!, c!]);
    const cases = [
      // One old key, however many new ones.
      [await kOfN(2, [d!, e!, f!], 2, [a!, d!, e!, f!]), 1, '1/2'],
      // Two old keys, one new.
      [await kOfN(2, [d!, e!, f!], 2, [a!, b!, d!]), 2, '1/2'],
      // A signature by a key the root role does not list counts for nothing.
      [await kOfN(2, [a!, b!, c!], 2, [a!, online]), 1, '1/2'],
      // Nor does a third signature make up for a threshold of 3.
      [await kOfN(2, [a!, b!, c!], 3, [a!, b!]), 2, '2/3'],
    ] as const;
    for (const [second, failing, count] of cases) {
      expect(() => verifyTufRootHistory([first, second])).toThrow(
        expect.objectContaining({
          code: 'INVALID_SIGNATURE',
          message: `2.root.json is not signed by the root keys of version ${failing}: root was signed by ${count} keys`,
        }),
      );
    }
    // The first root too must meet its own threshold.
    const alone = await kOfN(1, [a!, b!, c!], 2, [a!]);
    expect(() => verifyTufRootHistory([alone])).toThrow(
      '1.root.json is not signed by the root keys of version 1: root was signed by 1/2 keys',
    );
  });

  it('refuses a root that lists one key under two key ids, which tuf-js would count twice', async () => {
    const root = buildTufRoot({
      version: 1,
      expires: inAYear,
      rootKeys: [a!.publicKey, b!.publicKey],
      rootThreshold: 2,
      onlineKey: online.publicKey,
    });
    const json = tufKeyOf(a!.publicKey).toJSON();
    const alias = createHash('sha512').update(canonicalize(json)).digest('hex');
    root.addKey(Key.fromJSON(alias, json), 'root');
    const signed = await signTufMetadata(root, [a!, b!]);
    signed.signatures[alias] = new Signature({
      keyID: alias,
      sig: signed.signatures[id(a!)]!.sig,
    });
    expect(() => verifyTufRootHistory([signed])).toThrow(
      expect.objectContaining({
        code: 'INVALID_TUF_METADATA',
        message: `1.root.json lists one root key under two key ids (${id(a!)}, ${alias})`,
      }),
    );
  });
});

describe('tufRootVersions', () => {
  it('lists the N.root.json versions in numeric order and ignores every other name', () => {
    expect(
      tufRootVersions([
        '10.root.json',
        '2.root.json',
        'root.json',
        '01.root.json',
        '1.root.json.tmp',
        '1.root.json',
      ]),
    ).toEqual([1, 2, 10]);
  });
});
