import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import {
  buildTufSnapshot,
  buildTufTargets,
  buildTufTimestamp,
  signTufMetadata,
  type Signer,
  tufMetadataBytes,
} from '@app/signing';
import { CaError } from '../errors';
import { TrustedRootService } from '../trust/trusted-root.service';
import { TUF_KEYS, type TufKeys } from './tuf-keys';
import { TufTargetsVersionRepository } from './tuf-targets-version.repository';

/** The targets this repository distributes, under the names sigstore-js and cosign ask for. */
export const TRUSTED_ROOT_TARGET = 'trusted_root.json';
export const SIGNING_CONFIG_TARGET = 'signing_config.v0.2.json';

const DAY_MS = 86_400_000;
const TARGETS_LIFETIME_MS = 30 * DAY_MS;
const TIMESTAMP_LIFETIME_MS = DAY_MS;
/** Timestamps are re-signed at every hour boundary, by every process alike (or when the snapshot changes). */
const TIMESTAMP_REFRESH_MS = 3_600_000;
/** How long the trusted root is taken as unchanged before it is rebuilt from the database. */
const CONTENT_TTL_MS = 5_000;

interface Target {
  bytes: Buffer;
  /** SHA-256 of `bytes`, hex: the consistent-snapshot prefix of the target's name. */
  sha256: string;
}

interface Published {
  /** Each target by name. */
  files: ReadonlyMap<string, Target>;
  /** SHA-256 over every target's name and hash: a new targets version whenever it changes. */
  digest: string;
  version: number;
  targets: Buffer;
  snapshot: Buffer;
  timestamp: Buffer;
  timestampVersion: number;
  checkedAt: number;
}

/**
 * A TUF repository (consistent snapshots) that distributes this instance's `trusted_root.json`
 * and `signing_config.v0.2.json` (which cosign v3 reads by default to find the CA and log), so that stock sigstore-js (`sigstore.verify` with `tufMirrorURL`/`tufRootPath`) and cosign
 * (`cosign initialize --mirror --root`) learn the instance's keys the way they learn the public
 * good instance's, and follow key rotations on their own.
 *
 * The root metadata is signed offline (`signet tuf root`) and read from CA_TUF_ROOT_DIR; the
 * targets, snapshot and timestamp roles are signed online with CA_TUF_KEY. Without them, a
 * development root key and online key are created under SIGNET_DATA_DIR/tuf.
 */
@Injectable()
export class TufRepositoryService {
  private readonly online: Signer;
  /** `N.root.json` bytes, index N-1. */
  private readonly roots: readonly Buffer[];
  private published: Published | undefined;
  private publishing: Promise<Published> | undefined;

  constructor(
    @Inject(SIGNET_CONFIG) private readonly config: SignetConfig,
    private readonly versions: TufTargetsVersionRepository,
    private readonly trust: TrustedRootService,
    @Inject(TUF_KEYS) keys: TufKeys,
  ) {
    this.online = keys.online;
    this.roots = keys.roots;
  }

  /** `N.root.json`, as signed. */
  root(version: number): Buffer {
    const bytes = this.roots[version - 1];
    if (bytes === undefined) throw new CaError('NOT_FOUND', `no TUF root version ${version}`);
    return bytes;
  }

  /** The newest root: what an administrator hands clients as their initial `root.json`. */
  latestRoot(): Buffer {
    return this.roots[this.roots.length - 1]!;
  }

  async timestamp(): Promise<Buffer> {
    return (await this.current()).timestamp;
  }

  async snapshot(version: number): Promise<Buffer> {
    const p = await this.current();
    if (version !== p.version) {
      throw new CaError('NOT_FOUND', `no TUF snapshot version ${version} (current: ${p.version})`);
    }
    return p.snapshot;
  }

  async targets(version: number): Promise<Buffer> {
    const p = await this.current();
    if (version !== p.version) {
      throw new CaError('NOT_FOUND', `no TUF targets version ${version} (current: ${p.version})`);
    }
    return p.targets;
  }

  /** A target by its consistent-snapshot name `<sha256>.<name>`. */
  async target(sha256: string, name: string): Promise<Buffer> {
    const target = (await this.current()).files.get(name);
    if (target === undefined || target.sha256 !== sha256) {
      throw new CaError('NOT_FOUND', `no TUF target ${sha256}.${name}`);
    }
    return target.bytes;
  }

  /** The published metadata, rebuilt when a target changed or a signature grows old. */
  private async current(): Promise<Published> {
    const now = Date.now();
    const p = this.published;
    if (p !== undefined && now - p.checkedAt < CONTENT_TTL_MS) return p;
    // One rebuild at a time; concurrent requests share it.
    this.publishing ??= this.publish(p).finally(() => (this.publishing = undefined));
    return this.publishing;
  }

  private async publish(previous: Published | undefined): Promise<Published> {
    const now = Date.now();
    const [trustedRoot, signingConfig] = await Promise.all([
      this.trust.trustedRoot(),
      this.trust.signingConfig(),
    ]);
    const files = new Map<string, Target>(
      (
        [
          [TRUSTED_ROOT_TARGET, trustedRoot],
          [SIGNING_CONFIG_TARGET, signingConfig],
        ] as const
      ).map(([name, json]) => {
        const bytes = Buffer.from(JSON.stringify(json));
        return [name, { bytes, sha256: sha256Hex(bytes) }];
      }),
    );
    const digest = sha256Hex(
      Buffer.from([...files].map(([name, t]) => `${name} ${t.sha256}\n`).join('')),
    );
    const { version, createdAt } = await this.versions.versionFor(Buffer.from(digest, 'hex'), now);
    const timestampVersion = sharedTimestampVersion(version, now);
    if (
      previous !== undefined &&
      previous.version === version &&
      previous.digest === digest &&
      previous.timestampVersion === timestampVersion
    ) {
      this.published = { ...previous, checkedAt: now };
      return this.published;
    }
    // Targets and snapshot are a function of their version row: every CA process signs the
    // same content for the same version.
    const expires = new Date(createdAt.getTime() + TARGETS_LIFETIME_MS);
    const targets = await signTufMetadata(
      buildTufTargets({
        version,
        expires,
        files: Object.fromEntries([...files].map(([name, t]) => [name, t.bytes])),
      }),
      [this.online],
    );
    const snapshot = await signTufMetadata(
      buildTufSnapshot({ version, expires, targetsVersion: version }),
      [this.online],
    );
    const timestamp = await signTufMetadata(
      buildTufTimestamp({
        version: timestampVersion,
        expires: new Date(hourStart(now) + TIMESTAMP_REFRESH_MS + TIMESTAMP_LIFETIME_MS),
        snapshotVersion: version,
      }),
      [this.online],
    );
    this.published = {
      files,
      digest,
      version,
      targets: tufMetadataBytes(targets),
      snapshot: tufMetadataBytes(snapshot),
      timestamp: tufMetadataBytes(timestamp),
      timestampVersion,
      checkedAt: now,
    };
    return this.published;
  }
}

/** Start of the hour `now` falls in, in ms. */
function hourStart(now: number): number {
  return Math.floor(now / TIMESTAMP_REFRESH_MS) * TIMESTAMP_REFRESH_MS;
}

/**
 * The timestamp version every CA process signs for snapshot `snapshotVersion` in the hour of
 * `now`: the hour's number, then the snapshot version (mod 2^16) below it. Processes that agree
 * on the snapshot (the database's targets version) sign the same version number, whichever of
 * them a client asks and in whichever order, so no client sees a version go back (tuf-js refuses
 * that as a rollback); it grows every hour and with every new snapshot.
 */
export function sharedTimestampVersion(snapshotVersion: number, now: number): number {
  return (hourStart(now) / TIMESTAMP_REFRESH_MS) * 65_536 + (snapshotVersion % 65_536);
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
