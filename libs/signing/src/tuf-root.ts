import { Metadata, MetadataKind, Root } from '@tufjs/models';
import type { KeyObject } from 'node:crypto';
import { SigningError } from './errors';
import { TUF_ONLINE_ROLES, TUF_SPEC_VERSION, tufKeyOf, tufTime } from './tuf';

/*
 * The root role of a TUF repository (TUF §2.1.1, §5.3.4): root metadata listing k of n offline
 * keys, and the checks a client makes when it walks a root history, made before a root is
 * published or served.
 */

/**
 * Root metadata listing `rootKeys` for the root role with threshold `rootThreshold` (default 1:
 * any one of them signs a new root; k of n keeps one lost or stolen offline key from deciding
 * alone), and `onlineKey` for targets, snapshot and timestamp with threshold 1; consistent
 * snapshots on (TUF §4.3).
 *
 * @throws SigningError `INVALID_TUF_METADATA` when no root key is given, a key is listed twice, or
 *   the threshold is not an integer from 1 to the number of root keys (such a root could never be
 *   signed); `UNSUPPORTED_KEY` for a key that cannot be a TUF key.
 */
export function buildTufRoot(options: {
  version: number;
  expires: Date;
  rootKeys: readonly KeyObject[];
  rootThreshold?: number;
  onlineKey: KeyObject;
}): Root {
  const threshold = options.rootThreshold ?? 1;
  const rootKeys = options.rootKeys.map(tufKeyOf);
  const seen = new Set<string>();
  for (const key of rootKeys) {
    if (seen.has(key.keyID)) {
      throw new SigningError('INVALID_TUF_METADATA', `root key ${key.keyID} is listed twice`);
    }
    seen.add(key.keyID);
  }
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > rootKeys.length) {
    throw new SigningError(
      'INVALID_TUF_METADATA',
      `the root threshold must be an integer from 1 to ${rootKeys.length} (the number of root keys), not ${threshold}`,
    );
  }
  const root = new Root({
    version: options.version,
    specVersion: TUF_SPEC_VERSION,
    expires: tufTime(options.expires),
    consistentSnapshot: true,
  });
  for (const key of rootKeys) root.addKey(key, 'root');
  for (const role of TUF_ONLINE_ROLES) root.addKey(tufKeyOf(options.onlineKey), role);
  // @tufjs/models exports no Role to build one with: the threshold goes in through the JSON form.
  const json = root.toJSON();
  return Root.fromJSON({
    ...json,
    roles: { ...(json.roles as object), root: { keyids: root.roles.root!.keyIDs, threshold } },
  });
}

/** Parses root metadata bytes (`N.root.json`). @throws SigningError `INVALID_TUF_METADATA` */
export function parseTufRoot(bytes: Uint8Array): Metadata<Root> {
  try {
    return Metadata.fromJSON(
      MetadataKind.Root,
      JSON.parse(Buffer.from(bytes).toString('utf8')) as Parameters<typeof Metadata.fromJSON>[1],
    );
  } catch (err) {
    throw new SigningError(
      'INVALID_TUF_METADATA',
      `not TUF root metadata: ${(err as Error).message}`,
    );
  }
}

/**
 * The root keys of `trusted` (a root) whose valid signatures `root` carries, and how many of them
 * `trusted` requires: the count tuf-js makes (`Metadata.verifyDelegate`, TUF §5.3.4), where a key
 * counts once and a signature by a key the root role does not list counts for nothing.
 */
export function tufRootSignatures(
  trusted: Metadata<Root>,
  root: Metadata<Root>,
): { keyIDs: string[]; threshold: number } {
  const role = trusted.signed.roles.root;
  if (role === undefined) return { keyIDs: [], threshold: 1 };
  const keyIDs = role.keyIDs.filter((keyID) => {
    const key = trusted.signed.keys[keyID];
    if (key === undefined) return false;
    try {
      key.verifySignature(root);
      return true;
    } catch {
      return false;
    }
  });
  return { keyIDs, threshold: role.threshold };
}

/**
 * Checks a root history the way a TUF client walks it (TUF §5.3.4): versions 1, 2, … in order, and
 * each root signed by a threshold of its predecessor's root keys and by a threshold of its own.
 *
 * @throws SigningError `INVALID_SIGNATURE` naming the first root that fails and how many of the
 *   keys it needs signed it (e.g. `2.root.json is not signed by the root keys of version 1: root
 *   was signed by 1/2 keys`, as tuf-js words it), `INVALID_TUF_METADATA` for a gap.
 */
export function verifyTufRootHistory(roots: ReadonlyArray<Metadata<Root>>): void {
  roots.forEach((root, i) => {
    const version = i + 1;
    if (root.signed.version !== version) {
      throw new SigningError(
        'INVALID_TUF_METADATA',
        `root version ${version} expected, found ${root.signed.version}`,
      );
    }
    refuseRepeatedRootKeys(root);
    const signers = i === 0 ? [root] : [roots[i - 1]!, root];
    for (const trusted of signers) {
      const { keyIDs, threshold } = tufRootSignatures(trusted, root);
      if (keyIDs.length < threshold) {
        throw new SigningError(
          'INVALID_SIGNATURE',
          `${version}.root.json is not signed by the root keys of version ${trusted.signed.version}: root was signed by ${keyIDs.length}/${threshold} keys`,
        );
      }
    }
  });
}

// tuf-js counts distinct key ids: one key listed under two ids would count twice toward k.
function refuseRepeatedRootKeys(root: Metadata<Root>): void {
  const ids = new Map<string, string>();
  for (const keyID of root.signed.roles.root?.keyIDs ?? []) {
    const key = root.signed.keys[keyID];
    if (key === undefined) continue;
    const value = `${key.keyType}:${key.keyVal.public?.trim()}`;
    const other = ids.get(value);
    if (other !== undefined) {
      throw new SigningError(
        'INVALID_TUF_METADATA',
        `${root.signed.version}.root.json lists one root key under two key ids (${other}, ${keyID})`,
      );
    }
    ids.set(value, keyID);
  }
}

/** The versions of the `N.root.json` files among `fileNames`, ascending. */
export function tufRootVersions(fileNames: readonly string[]): number[] {
  return fileNames
    .map((n) => /^([1-9]\d*)\.root\.json$/.exec(n)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}
