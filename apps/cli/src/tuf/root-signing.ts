/* Signing the next TUF root with k of n offline keys: the root history of DIR/roots, the keys that
   may sign, drafts that key holders sign in turn, and publishing once both thresholds are met. */
import { Metadata, type Root } from '@tufjs/models';
import { access, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  FileSigner,
  parseTufRoot,
  signTufMetadata,
  tufKeyOf,
  tufMetadataBytes,
  tufRootSignatures,
  tufRootVersions,
  verifyTufRootHistory,
} from '@app/signing';
import { usageError } from '../cli/exit-codes';

/** The verified root history in `dir/roots`, oldest first. Exit 64 when there is none. */
export async function rootHistory(dir: string): Promise<Array<Metadata<Root>>> {
  const rootsDir = join(dir, 'roots');
  const versions = tufRootVersions(await readdir(rootsDir));
  if (versions.length === 0) {
    throw usageError(`${rootsDir} holds no 1.root.json: run signet tuf init first`);
  }
  const history = await Promise.all(
    versions.map(async (v) => parseTufRoot(await readFile(join(rootsDir, `${v}.root.json`)))),
  );
  verifyTufRootHistory(history);
  return history;
}

/** Where the draft of root `version` waits for signatures: beside DIR/roots, never in it. */
export const draftPath = (dir: string, version: number): string =>
  join(dir, `${version}.root.draft.json`);

/** The signers of the key files, loaded with one passphrase file. */
export async function loadRootKeys(
  files: readonly string[],
  passphraseFile: string,
): Promise<FileSigner[]> {
  return Promise.all(files.map((f) => FileSigner.load(f, { file: passphraseFile })));
}

/**
 * Signs `root` with each of `keys` (key file → signer), keeping its signatures. Exit 64 naming the
 * file when a key is a root key of neither `previous` nor `root`: its signature would count for
 * nothing.
 */
export async function addRootSignatures(
  previous: Metadata<Root>,
  root: Metadata<Root>,
  keys: ReadonlyMap<string, FileSigner>,
): Promise<Metadata<Root>> {
  const listed = new Set([...rootKeyIds(previous), ...rootKeyIds(root)]);
  for (const [file, key] of keys) {
    if (!listed.has(tufKeyOf(key.publicKey).keyID)) {
      throw usageError(
        `${file} is a root key of neither version ${previous.signed.version} nor ${root.signed.version}: its signature would count for nothing`,
      );
    }
  }
  const signed = await signTufMetadata(root.signed, [...keys.values()]);
  return new Metadata(root.signed, { ...root.signatures, ...signed.signatures });
}

/**
 * Exit 64 when `draft` carries a signature that is not a valid one by a root key of `previous`
 * or of the draft: the draft was changed after it was signed, or signed by a stranger.
 */
export function checkDraftSignatures(
  previous: Metadata<Root>,
  draft: Metadata<Root>,
  file: string,
): void {
  const valid = new Set([
    ...tufRootSignatures(previous, draft).keyIDs,
    ...tufRootSignatures(draft, draft).keyIDs,
  ]);
  const bad = Object.keys(draft.signatures).find((keyID) => !valid.has(keyID));
  if (bad !== undefined) {
    throw usageError(
      `${file} carries a signature by key ${bad} that is not a valid signature by one of its root keys or version ${previous.signed.version}'s: it was changed after it was signed; make a new draft`,
    );
  }
}

/** What a key holder checks before signing: the version, its expiry, keys and threshold. */
export function describeRoot(root: Metadata<Root>): string {
  const { version, expires, roles } = root.signed;
  return `${version}.root.json: expires ${expires}; root keys ${roles.root!.keyIDs.join(', ')} (threshold ${roles.root!.threshold}); online key ${roles.timestamp!.keyIDs.join(', ')}`;
}

/** How far `root` is from both thresholds, e.g. `signed by 1/2 of version 1's root keys and 2/2 of its own`. */
export function signatureStatus(previous: Metadata<Root>, root: Metadata<Root>): string {
  const count = (trusted: Metadata<Root>) => {
    const { keyIDs, threshold } = tufRootSignatures(trusted, root);
    return `${keyIDs.length}/${threshold}`;
  };
  return `signed by ${count(previous)} of version ${previous.signed.version}'s root keys and ${count(root)} of its own`;
}

/** True when `root` meets both thresholds, so that clients holding `previous` accept it. */
export function isComplete(previous: Metadata<Root>, root: Metadata<Root>): boolean {
  return [previous, root].every((trusted) => {
    const { keyIDs, threshold } = tufRootSignatures(trusted, root);
    return keyIDs.length >= threshold;
  });
}

/**
 * Writes `root` as the next DIR/roots/N.root.json after checking the history it extends (clients
 * holding the current root would refuse anything else), never overwriting; returns its path.
 */
export async function publishRoot(
  dir: string,
  history: ReadonlyArray<Metadata<Root>>,
  root: Metadata<Root>,
): Promise<string> {
  verifyTufRootHistory([...history, root]);
  const file = join(dir, 'roots', `${root.signed.version}.root.json`);
  await writeFile(file, tufMetadataBytes(root), { flag: 'wx' });
  await rm(draftPath(dir, root.signed.version), { force: true });
  return file;
}

/** Writes a draft in place through a temporary file, so an interrupted write loses nothing. */
export async function writeDraft(file: string, root: Metadata<Root>): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, tufMetadataBytes(root), { flag: 'wx' });
  await rename(tmp, file);
}

/**
 * `signet tuf root sign`: adds the signatures of `keyFiles` to the pending draft of the next root
 * after printing what they sign, and publishes it once both thresholds are met. Exit 64 when there
 * is no draft, or it was changed after it was signed.
 */
export async function signRootDraft(
  dir: string,
  keyFiles: readonly string[],
  passphraseFile: string,
  out: (line: string) => void,
): Promise<number> {
  if (keyFiles.length === 0) throw usageError('tuf root sign needs --root-key FILE');
  const history = await rootHistory(dir);
  const current = history[history.length - 1]!;
  const file = draftPath(dir, current.signed.version + 1);
  if (!(await exists(file))) {
    throw usageError(`${file} does not exist: make the draft with signet tuf root --draft`);
  }
  const draft = parseTufRoot(await readFile(file));
  if (draft.signed.version !== current.signed.version + 1) {
    throw usageError(
      `${file} holds root version ${draft.signed.version}, not ${current.signed.version + 1}`,
    );
  }
  checkDraftSignatures(current, draft, file);
  out(`signing ${describeRoot(draft)}`);
  const signers = await loadRootKeys(keyFiles, passphraseFile);
  const signed = await addRootSignatures(
    current,
    draft,
    new Map(keyFiles.map((f, i) => [f, signers[i]!])),
  );
  if (!isComplete(current, signed)) {
    await writeDraft(file, signed);
    out(`${file}: ${signatureStatus(current, signed)}; pass it to the next holder`);
    return 0;
  }
  const published = await publishRoot(dir, history, signed);
  out(`wrote ${published} (expires ${draft.signed.expires}); restart the CA to publish it`);
  return 0;
}

function rootKeyIds(root: Metadata<Root>): string[] {
  return root.signed.roles.root?.keyIDs ?? [];
}

/** Whether `path` exists. */
export const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );
