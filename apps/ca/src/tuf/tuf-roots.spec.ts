import { ConfigError } from '@app/platform';
import {
  buildTufRoot,
  generateKeyPair,
  KeyObjectSigner,
  signTufMetadata,
  tufMetadataBytes,
} from '@app/signing';
import { checkRootHistory } from './tuf-roots';

const signer = () => new KeyObjectSigner(generateKeyPair('ecdsa-p256-sha256').privateKey);
const inAYear = new Date(Date.now() + 365 * 86_400_000);

describe(checkRootHistory.name, () => {
  const online = signer();
  const [a, b, c, d, e, f] = Array.from({ length: 6 }, () => signer());
  /** The bytes of root `version` listing `keys` with threshold 2, signed by `signers`. */
  const twoOf = async (version: number, keys: KeyObjectSigner[], signers: KeyObjectSigner[]) =>
    tufMetadataBytes(
      await signTufMetadata(
        buildTufRoot({
          version,
          expires: inAYear,
          rootKeys: keys.map((k) => k.publicKey),
          rootThreshold: 2,
          onlineKey: online.publicKey,
        }),
        signers,
      ),
    );

  it('boots on a 2-of-3 history whose roots two old and two new keys signed (L5c)', async () => {
    const roots = [
      await twoOf(1, [a!, b!, c!], [a!, b!]),
      await twoOf(2, [d!, e!, f!], [b!, c!, d!, f!]),
    ];
    expect(checkRootHistory(roots, online, 'CA_TUF_ROOT_DIR')).toBeUndefined();
  });

  it('refuses a root that fewer than 2 of the previous root keys, or of its own, signed', async () => {
    const first = await twoOf(1, [a!, b!, c!], [a!, b!, c!]);
    for (const [second, version] of [
      [await twoOf(2, [d!, e!, f!], [a!, d!, e!, f!]), 1],
      [await twoOf(2, [d!, e!, f!], [a!, b!, f!]), 2],
    ] as const) {
      let thrown: unknown;
      try {
        checkRootHistory([first, second], online, 'CA_TUF_ROOT_DIR');
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).problems).toEqual([
        `CA_TUF_ROOT_DIR: 2.root.json is not signed by the root keys of version ${version}: root was signed by 1/2 keys`,
      ]);
    }
  });
});
