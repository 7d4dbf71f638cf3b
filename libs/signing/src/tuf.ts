import { canonicalize } from '@tufjs/canonical-json';
import {
  Key,
  Metadata,
  MetaFile,
  type Root,
  Signature,
  Snapshot,
  TargetFile,
  Targets,
  Timestamp,
} from '@tufjs/models';
import { createHash, type KeyObject } from 'node:crypto';
import { SigningError } from './errors';
import { publicKeyToPem } from './keys';
import type { Signer } from './signer';

/**
 * The Update Framework (TUF 1.0) metadata for a repository that distributes Sigstore's
 * `trusted_root.json` the way sigstore-js (`@sigstore/tuf`, tuf-js) fetches it: consistent
 * snapshots, k of n offline keys for the root role (`tuf-root.ts`), one online key for the
 * others. Built with `@tufjs/models` and signed through {@link Signer}s, so both the root keys
 * and the online key can live in an HSM.
 */

/** The four top-level roles of TUF §2.1. */
export type TufRole = 'root' | 'targets' | 'snapshot' | 'timestamp';
export const TUF_ONLINE_ROLES: readonly TufRole[] = ['targets', 'snapshot', 'timestamp'];

/** The TUF specification version the metadata declares (what tuf-js 4 implements). */
export const TUF_SPEC_VERSION = '1.0.31';

type TufSigned = Root | Targets | Snapshot | Timestamp;

/**
 * The TUF key of a public key: `ecdsa`/`ecdsa-sha2-nistp256` (PEM, as Sigstore's own root lists
 * its keys) or `ed25519` (hex), with its key id, the SHA-256 of the key's canonical JSON
 * (TUF §4.2). Only keys whose signatures tuf-js verifies are accepted.
 *
 * @throws SigningError `UNSUPPORTED_KEY` for any other key.
 */
export function tufKeyOf(publicKey: KeyObject): Key {
  const fields = tufKeyFields(publicKey);
  const keyID = createHash('sha256').update(canonicalize(fields)).digest('hex');
  return Key.fromJSON(keyID, fields);
}

function tufKeyFields(publicKey: KeyObject): {
  keytype: string;
  scheme: string;
  keyval: { public: string };
} {
  if (publicKey.asymmetricKeyType === 'ed25519') {
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    return {
      keytype: 'ed25519',
      scheme: 'ed25519',
      keyval: { public: spki.subarray(spki.length - 32).toString('hex') },
    };
  }
  if (
    publicKey.asymmetricKeyType === 'ec' &&
    publicKey.asymmetricKeyDetails?.namedCurve === 'prime256v1'
  ) {
    return {
      keytype: 'ecdsa',
      scheme: 'ecdsa-sha2-nistp256',
      keyval: { public: publicKeyToPem(publicKey) },
    };
  }
  throw new SigningError(
    'UNSUPPORTED_KEY',
    'a TUF key must be ECDSA P-256 or Ed25519: the keys sigstore-js verifies TUF metadata with',
  );
}

/**
 * Signs `signed` with every signer (over its canonical JSON, TUF §4.2) and returns the metadata.
 *
 * @throws SigningError `UNSUPPORTED_KEY` when a signer's key cannot be a TUF key.
 */
export async function signTufMetadata<T extends TufSigned>(
  signed: T,
  signers: readonly Signer[],
): Promise<Metadata<T>> {
  const message = Buffer.from(canonicalize(signed.toJSON()));
  const signatures: Record<string, Signature> = {};
  for (const signer of signers) {
    const keyID = tufKeyOf(signer.publicKey).keyID;
    const sig = Buffer.from(await signer.sign(message)).toString('hex');
    signatures[keyID] = new Signature({ keyID, sig });
  }
  return new Metadata(signed, signatures);
}

/** The bytes a repository serves for `metadata`: its JSON, as tuf-js parses it. */
export function tufMetadataBytes(metadata: Metadata<TufSigned>): Buffer {
  return Buffer.from(JSON.stringify(metadata.toJSON()));
}

/** Targets metadata listing `files` (name → bytes) by length and SHA-256. */
export function buildTufTargets(options: {
  version: number;
  expires: Date;
  files: Readonly<Record<string, Uint8Array>>;
}): Targets {
  const targets = new Targets({
    version: options.version,
    specVersion: TUF_SPEC_VERSION,
    expires: tufTime(options.expires),
  });
  for (const [path, bytes] of Object.entries(options.files)) {
    targets.targets[path] = new TargetFile({
      path,
      length: bytes.length,
      hashes: { sha256: createHash('sha256').update(bytes).digest('hex') },
    });
  }
  return targets;
}

/** Snapshot metadata naming `targets.json` at `targetsVersion`. */
export function buildTufSnapshot(options: {
  version: number;
  expires: Date;
  targetsVersion: number;
}): Snapshot {
  return new Snapshot({
    version: options.version,
    specVersion: TUF_SPEC_VERSION,
    expires: tufTime(options.expires),
    meta: { 'targets.json': new MetaFile({ version: options.targetsVersion }) },
  });
}

/** Timestamp metadata naming `snapshot.json` at `snapshotVersion`. */
export function buildTufTimestamp(options: {
  version: number;
  expires: Date;
  snapshotVersion: number;
}): Timestamp {
  return new Timestamp({
    version: options.version,
    specVersion: TUF_SPEC_VERSION,
    expires: tufTime(options.expires),
    snapshotMeta: new MetaFile({ version: options.snapshotVersion }),
  });
}

/** TUF's time format: RFC 3339 in UTC, whole seconds. */
export function tufTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
