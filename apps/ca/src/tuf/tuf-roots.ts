import type { Metadata, Root } from '@tufjs/models';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, createOnce } from '@app/platform';
import {
  buildTufRoot,
  parseTufRoot,
  signTufMetadata,
  type Signer,
  TUF_ONLINE_ROLES,
  tufKeyOf,
  tufMetadataBytes,
  tufRootVersions,
  verifyTufRootHistory,
} from '@app/signing';

/* The TUF root role of the CA's repository: the history read from CA_TUF_ROOT_DIR (signed offline
   by `signet tuf root`) or the development history under SIGNET_DATA_DIR/tuf, and its boot checks. */

const DAY_MS = 86_400_000;
/** A development root is re-signed (as the next version) when it expires within this. */
const DEV_ROOT_RENEW_MS = 60 * DAY_MS;
const DEV_ROOT_LIFETIME_MS = 365 * DAY_MS;

/**
 * Boot checks of a root history (`N.root.json` bytes, index N-1): unbroken and correctly signed,
 * the newest naming `online` for every online role and not expired. Returns a warning when the
 * newest root expires within 30 days. Throws {@link ConfigError} naming `where` and the file.
 */
export function checkRootHistory(
  roots: readonly Buffer[],
  online: Signer,
  where: string,
): string | undefined {
  const parsed = roots.map((bytes, i) => {
    try {
      return parseTufRoot(bytes);
    } catch (err) {
      throw new ConfigError([`${where}: ${i + 1}.root.json: ${(err as Error).message}`]);
    }
  });
  try {
    verifyTufRootHistory(parsed);
  } catch (err) {
    throw new ConfigError([`${where}: ${(err as Error).message}`]);
  }
  const latest = parsed[parsed.length - 1]!;
  const onlineKeyId = tufKeyOf(online.publicKey).keyID;
  for (const role of TUF_ONLINE_ROLES) {
    if (!latest.signed.roles[role]?.keyIDs.includes(onlineKeyId)) {
      throw new ConfigError([
        `${where}: ${latest.signed.version}.root.json does not list the CA_TUF_KEY key (${onlineKeyId}) for the ${role} role`,
      ]);
    }
  }
  const expires = new Date(latest.signed.expires);
  if (expires.getTime() <= Date.now()) {
    throw new ConfigError([
      `${where}: ${latest.signed.version}.root.json expired at ${latest.signed.expires}; sign a new root with \`signet tuf root\``,
    ]);
  }
  return expires.getTime() - Date.now() < 30 * DAY_MS
    ? `TUF root version ${latest.signed.version} expires at ${latest.signed.expires}: sign the next one with \`signet tuf root\``
    : undefined;
}

/** `1.root.json`, `2.root.json`, … from `dir`, in order. */
export async function readRootHistory(dir: string): Promise<Buffer[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new ConfigError([`CA_TUF_ROOT_DIR: cannot read ${dir}: ${(err as Error).message}`]);
  }
  const versions = tufRootVersions(names);
  if (versions.length === 0) {
    throw new ConfigError([
      `CA_TUF_ROOT_DIR: ${dir} holds no 1.root.json (create it with \`signet tuf root\`)`,
    ]);
  }
  return Promise.all(versions.map((v) => readFile(join(dir, `${v}.root.json`))));
}

/**
 * The development root history under `dir`: `1.root.json` on first start, and the next version
 * whenever the newest one nears expiry. Several processes may start at once: each version file is
 * created exclusively, and whoever loses reads the winner's.
 */
export async function developmentRoots(
  dir: string,
  root: Signer,
  online: Signer,
): Promise<Buffer[]> {
  const rootsDir = join(dir, 'roots');
  await mkdir(rootsDir, { recursive: true, mode: 0o700 });
  let roots = (await readdir(rootsDir)).some((n) => n === '1.root.json')
    ? await readRootHistory(rootsDir)
    : [];
  const latest: Metadata<Root> | undefined =
    roots.length === 0 ? undefined : parseTufRoot(roots[roots.length - 1]!);
  if (
    latest === undefined ||
    new Date(latest.signed.expires).getTime() - Date.now() < DEV_ROOT_RENEW_MS
  ) {
    const version = roots.length + 1;
    const signed = await signTufMetadata(
      buildTufRoot({
        version,
        expires: new Date(Date.now() + DEV_ROOT_LIFETIME_MS),
        rootKeys: [root.publicKey],
        onlineKey: online.publicKey,
      }),
      [root],
    );
    await createOnce(join(rootsDir, `${version}.root.json`), (tmp) =>
      writeFile(tmp, tufMetadataBytes(signed), { flag: 'wx', mode: 0o644 }),
    );
    roots = await readRootHistory(rootsDir);
  }
  return roots;
}
