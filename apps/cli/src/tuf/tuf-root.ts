import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildTufRoot,
  FileSigner,
  parsePublicKey,
  parseTufRoot,
  publicKeyToPem,
  signTufMetadata,
  tufMetadataBytes,
  tufRootVersions,
  verifyTufRootHistory,
} from '@app/signing';
import { usageError } from '../cli/exit-codes';
import { newEncryptedKeys } from '../cli/files';

export const tufHelp = `signet tuf: the TUF root of the CA's repository (/tuf), from which sigstore-js and cosign
learn the instance's trusted root and follow its key rotations

Usage:
  signet tuf init --out DIR [--passphrase-file FILE] [--days N]
  signet tuf root --out DIR --root-key FILE [--previous-root-key FILE] --online-public-key PEM
                  [--passphrase-file FILE] [--days N]

init creates a root key and an online key (ECDSA P-256, encrypted PKCS#8, mode 0600) and
DIR/roots/1.root.json, and prints the CA_TUF_KEY, CA_TUF_KEY_PASSPHRASE_FILE and CA_TUF_ROOT_DIR
settings. Keep DIR/root-key.pem offline: the CA needs only the online key.

root signs the next DIR/roots/N.root.json (before the current one expires, or to change keys):
--root-key is the root key it lists and signs with; when the root key changes, the old one signs
too (--previous-root-key), as clients require. --days is the validity (default 365).

Clients start from a root.json handed to them out of band (DIR/roots/1.root.json, shipped with
their configuration; never fetched from the server it is meant to check):
  sigstore.verify(bundle, data, { tufMirrorURL: 'https://ca.example/tuf', tufRootPath: 'root.json' })
  cosign initialize --mirror https://ca.example/tuf --root root.json

Examples:
  signet tuf init --out /etc/signet/tuf
  signet tuf root --out /etc/signet/tuf --root-key /offline/root-key.pem \\
                  --online-public-key /etc/signet/tuf/online-key.pub.pem \\
                  --passphrase-file /offline/passphrase
`;

const options = {
  out: { type: 'string' },
  'passphrase-file': { type: 'string' },
  days: { type: 'string', default: '365' },
  'root-key': { type: 'string' },
  'previous-root-key': { type: 'string' },
  'online-public-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `signet tuf init|root`; returns the process exit code. */
export async function tuf(argv: string[], out: (line: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    out(tufHelp.trimEnd());
    return 0;
  }
  if (sub !== 'init' && sub !== 'root') {
    throw usageError(`unknown tuf command "${sub}" (expected init or root)`);
  }
  const { values } = parseArgs({ args: rest, options, strict: true });
  if (values.help === true) {
    out(tufHelp.trimEnd());
    return 0;
  }
  if (values.out === undefined) throw usageError('--out DIR is required');
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    throw usageError('--days must be an integer from 1 to 3650');
  }
  const dir = resolve(values.out);
  const expires = new Date(Date.now() + days * 86_400_000);
  return sub === 'init' ? init(dir, values, expires, out) : next(dir, values, expires, out);
}

type Values = { [K in keyof typeof options]?: K extends 'help' ? boolean : string };

async function init(
  dir: string,
  values: Values,
  expires: Date,
  out: (line: string) => void,
): Promise<number> {
  await mkdir(join(dir, 'roots'), { recursive: true, mode: 0o700 });
  const {
    passphraseFile,
    signers: [root, online],
  } = await newEncryptedKeys(dir, ['root', 'online'], values['passphrase-file'], out);
  await writeFile(join(dir, 'online-key.pub.pem'), publicKeyToPem(online.publicKey), {
    flag: 'wx',
  });
  const signed = await signTufMetadata(
    buildTufRoot({ version: 1, expires, rootKeys: [root.publicKey], onlineKey: online.publicKey }),
    [root],
  );
  await writeFile(join(dir, 'roots', '1.root.json'), tufMetadataBytes(signed), { flag: 'wx' });
  out(`CA_TUF_KEY=${join(dir, 'online-key.pem')}`);
  out(`CA_TUF_KEY_PASSPHRASE_FILE=${passphraseFile}`);
  out(`CA_TUF_ROOT_DIR=${join(dir, 'roots')}`);
  out(
    `move ${join(dir, 'root-key.pem')} offline; clients start from ${join(dir, 'roots', '1.root.json')}`,
  );
  return 0;
}

async function next(
  dir: string,
  values: Values,
  expires: Date,
  out: (line: string) => void,
): Promise<number> {
  const rootKey = values['root-key'];
  const onlineKey = values['online-public-key'];
  if (rootKey === undefined || onlineKey === undefined) {
    throw usageError('tuf root needs --root-key and --online-public-key');
  }
  const rootsDir = join(dir, 'roots');
  const versions = tufRootVersions(await readdir(rootsDir));
  if (versions.length === 0) {
    throw usageError(`${rootsDir} holds no 1.root.json: run signet tuf init first`);
  }
  const history = await Promise.all(
    versions.map(async (v) => parseTufRoot(await readFile(join(rootsDir, `${v}.root.json`)))),
  );
  verifyTufRootHistory(history);
  const passphraseFile = values['passphrase-file'] ?? join(dir, 'passphrase');
  const root = await FileSigner.load(rootKey, { file: passphraseFile });
  const previous =
    values['previous-root-key'] === undefined
      ? []
      : [await FileSigner.load(values['previous-root-key'], { file: passphraseFile })];
  const version = history.length + 1;
  const signed = await signTufMetadata(
    buildTufRoot({
      version,
      expires,
      rootKeys: [root.publicKey],
      onlineKey: parsePublicKey(await readFile(onlineKey, 'utf8')),
    }),
    [...previous, root],
  );
  // Refuse to write a root that clients holding the current one would reject.
  verifyTufRootHistory([...history, signed]);
  const file = join(rootsDir, `${version}.root.json`);
  await writeFile(file, tufMetadataBytes(signed), { flag: 'wx' });
  out(`wrote ${file} (expires ${expires.toISOString()}); restart the CA to publish it`);
  return 0;
}
