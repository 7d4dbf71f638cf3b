import { Metadata, type Root } from '@tufjs/models';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildTufRoot,
  parsePublicKey,
  publicKeyToPem,
  signTufMetadata,
  tufMetadataBytes,
} from '@app/signing';
import { usageError } from '../cli/exit-codes';
import { newEncryptedKeys } from '../cli/files';
import {
  addRootSignatures,
  describeRoot,
  draftPath,
  loadRootKeys,
  publishRoot,
  rootHistory,
  signatureStatus,
  signRootDraft,
  exists,
} from './root-signing';

export const tufHelp = `signet tuf: the TUF root of the CA's repository (/tuf), from which sigstore-js and cosign
learn the instance's trusted root and follow its key rotations

Usage:
  signet tuf init --out DIR [--root-keys N --root-threshold K] [--passphrase-file FILE] [--days N]
  signet tuf root --out DIR --online-public-key PEM (--root-key FILE | --root-public-key PEM)...
                  [--previous-root-key FILE]... [--root-threshold K] [--draft]
                  [--passphrase-file FILE] [--days N]
  signet tuf root sign --out DIR --root-key FILE... [--passphrase-file FILE]

init creates the root keys and an online key (ECDSA P-256, encrypted PKCS#8, mode 0600; public
keys beside them as *.pub.pem) and DIR/roots/1.root.json, signed by every root key, and prints
the CA_TUF_KEY, CA_TUF_KEY_PASSPHRASE_FILE and CA_TUF_ROOT_DIR settings. One root key by default
(DIR/root-key.pem); with --root-keys N, N of them (DIR/root-1-key.pem ...) of which any K
(--root-threshold, required then) must sign each later root: give each to another holder and keep
them offline. They share the passphrase. The CA needs only the online key.

root signs the next DIR/roots/N.root.json (before the current one expires, or to change keys).
It lists the --root-key files' keys and the --root-public-key keys (repeat either; list every
root key, also the ones you keep), with threshold --root-threshold (default: the current root's),
and is signed by every --root-key and --previous-root-key file. Clients accept it only when K of
the current root's keys and K of its own signed it: when the keys given are enough, it is written
at once; else it fails, or with --draft writes DIR/N.root.draft.json for the other holders.
root sign adds the signature of each --root-key (of the current root or of the draft) to that
draft, after printing what it signs; the signature that completes it writes DIR/roots/N.root.json.
Pass the draft (with DIR/roots) from holder to holder. --days is the validity (default 365).

Clients start from a root.json handed to them out of band (DIR/roots/1.root.json, shipped with
their configuration; never fetched from the server it is meant to check):
  sigstore.verify(bundle, data, { tufMirrorURL: 'https://ca.example/tuf', tufRootPath: 'root.json' })
  cosign initialize --mirror https://ca.example/tuf --root root.json

Examples:
  signet tuf init --out /etc/signet/tuf
  signet tuf root --out /etc/signet/tuf --root-key /offline/root-key.pem \\
                  --online-public-key /etc/signet/tuf/online-key.pub.pem \\
                  --passphrase-file /offline/passphrase
  # 2 of 3 holders: create, renew as a draft, then each holder signs in turn
  signet tuf init --out /etc/signet/tuf --root-keys 3 --root-threshold 2
  signet tuf root --out /etc/signet/tuf --draft \\
                  --online-public-key /etc/signet/tuf/online-key.pub.pem \\
                  --root-public-key root-1-key.pub.pem --root-public-key root-2-key.pub.pem \\
                  --root-public-key root-3-key.pub.pem
  signet tuf root sign --out /etc/signet/tuf --root-key /media/usb/root-2-key.pem
`;

const MAX_ROOT_KEYS = 20;
/** The options of `tuf root` that `tuf root sign` would otherwise ignore. */
const SIGN_REFUSES = [
  'root-keys',
  'root-threshold',
  'root-public-key',
  'previous-root-key',
  'online-public-key',
  'draft',
] as const;

const options = {
  out: { type: 'string' },
  'passphrase-file': { type: 'string' },
  days: { type: 'string', default: '365' },
  'root-keys': { type: 'string' },
  'root-threshold': { type: 'string' },
  'root-key': { type: 'string', multiple: true },
  'root-public-key': { type: 'string', multiple: true },
  'previous-root-key': { type: 'string', multiple: true },
  'online-public-key': { type: 'string' },
  draft: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];

/** `signet tuf init|root|root sign`; returns the process exit code. */
export async function tuf(argv: string[], out: (line: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    out(tufHelp.trimEnd());
    return 0;
  }
  if (sub !== 'init' && sub !== 'root') {
    throw usageError(`unknown tuf command "${sub}" (expected init or root)`);
  }
  const signing = sub === 'root' && rest[0] === 'sign';
  const { values } = parseArgs({ args: signing ? rest.slice(1) : rest, options, strict: true });
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
  if (signing) {
    const misplaced = SIGN_REFUSES.find((name) => values[name] !== undefined);
    if (misplaced !== undefined) {
      throw usageError(
        `tuf root sign takes --out, --root-key and --passphrase-file, not --${misplaced}`,
      );
    }
    return signRootDraft(
      dir,
      values['root-key'] ?? [],
      values['passphrase-file'] ?? join(dir, 'passphrase'),
      out,
    );
  }
  return sub === 'init' ? init(dir, values, expires, out) : next(dir, values, expires, out);
}

/** An integer option from 1 to `max`, or undefined when absent. */
function count(values: Values, name: 'root-keys' | 'root-threshold', max: number) {
  const text = values[name];
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max) {
    throw usageError(`--${name} must be an integer from 1 to ${max}`);
  }
  return n;
}

async function init(
  dir: string,
  values: Values,
  expires: Date,
  out: (line: string) => void,
): Promise<number> {
  const n = count(values, 'root-keys', MAX_ROOT_KEYS) ?? 1;
  const k = count(values, 'root-threshold', n);
  if (k === undefined && n > 1) {
    throw usageError(`--root-keys ${n} needs --root-threshold K: how many of them sign a root`);
  }
  const names = n === 1 ? ['root'] : Array.from({ length: n }, (_, i) => `root-${i + 1}`);
  await mkdir(join(dir, 'roots'), { recursive: true, mode: 0o700 });
  const { passphraseFile, signers } = await newEncryptedKeys(
    dir,
    [...names, 'online'],
    values['passphrase-file'],
    out,
  );
  const online = signers[n]!;
  const rootKeys = signers.slice(0, n);
  for (const [name, key] of [...names, 'online'].map((m, i) => [m, signers[i]!] as const)) {
    await writeFile(join(dir, `${name}-key.pub.pem`), publicKeyToPem(key.publicKey), {
      flag: 'wx',
    });
  }
  const signed = await signTufMetadata(
    buildTufRoot({
      version: 1,
      expires,
      rootKeys: rootKeys.map((s) => s.publicKey),
      rootThreshold: k ?? 1,
      onlineKey: online.publicKey,
    }),
    rootKeys,
  );
  await writeFile(join(dir, 'roots', '1.root.json'), tufMetadataBytes(signed), { flag: 'wx' });
  out(`CA_TUF_KEY=${join(dir, 'online-key.pem')}`);
  out(`CA_TUF_KEY_PASSPHRASE_FILE=${passphraseFile}`);
  out(`CA_TUF_ROOT_DIR=${join(dir, 'roots')}`);
  const files = names.map((m) => join(dir, `${m}-key.pem`)).join(', ');
  out(
    n === 1
      ? `move ${files} offline; clients start from ${join(dir, 'roots', '1.root.json')}`
      : `move ${files} offline, each to its own holder: any ${k} of them sign the next root; clients start from ${join(dir, 'roots', '1.root.json')}`,
  );
  return 0;
}

async function next(
  dir: string,
  values: Values,
  expires: Date,
  out: (line: string) => void,
): Promise<number> {
  const keyFiles = values['root-key'] ?? [];
  const publicKeyFiles = values['root-public-key'] ?? [];
  const onlineKey = values['online-public-key'];
  if (onlineKey === undefined || keyFiles.length + publicKeyFiles.length === 0) {
    throw usageError(
      'tuf root needs --online-public-key and the keys the new root lists (--root-key or --root-public-key)',
    );
  }
  const history = await rootHistory(dir);
  const current = history[history.length - 1]!;
  const version = current.signed.version + 1;
  const draft = draftPath(dir, version);
  if (await exists(draft)) {
    throw usageError(
      `${draft} waits for signatures: sign it with signet tuf root sign, or delete it to start again`,
    );
  }
  const passphraseFile = values['passphrase-file'] ?? join(dir, 'passphrase');
  const signerFiles = [...new Set([...(values['previous-root-key'] ?? []), ...keyFiles])];
  const signers = await loadRootKeys(signerFiles, passphraseFile);
  const keys = new Map(signerFiles.map((f, i) => [f, signers[i]!]));
  const listed = [
    ...keyFiles.map((f) => keys.get(f)!.publicKey),
    ...(await Promise.all(
      publicKeyFiles.map(async (f) => parsePublicKey(await readFile(f, 'utf8'))),
    )),
  ];
  const threshold = count(values, 'root-threshold', MAX_ROOT_KEYS) ?? currentThreshold(current);
  if (values['root-threshold'] === undefined && threshold > listed.length) {
    throw usageError(
      `the new root lists ${listed.length} root keys, fewer than the current threshold ${threshold}: give --root-threshold`,
    );
  }
  const root = new Metadata(
    buildTufRoot({
      version,
      expires,
      rootKeys: listed,
      rootThreshold: threshold,
      onlineKey: parsePublicKey(await readFile(onlineKey, 'utf8')),
    }),
  );
  const signed = await addRootSignatures(current, root, keys);
  if (values.draft === true) {
    await writeFile(draft, tufMetadataBytes(signed), { flag: 'wx' });
    out(`wrote ${draft}: ${describeRoot(signed)}`);
    out(`${signatureStatus(current, signed)}; the other holders sign it with signet tuf root sign`);
    return 0;
  }
  const file = await publishRoot(dir, history, signed);
  out(`wrote ${file} (expires ${expires.toISOString()}); restart the CA to publish it`);
  return 0;
}

const currentThreshold = (root: Metadata<Root>) => root.signed.roles.root?.threshold ?? 1;
