import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Metadata, Root } from '@tufjs/models';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import {
  ConfigError,
  createOnce,
  developmentSigner,
  openSigner,
  SIGNET_CONFIG,
  type SignetConfig,
} from '@app/platform';
import {
  buildTufRoot,
  buildTufSnapshot,
  buildTufTargets,
  buildTufTimestamp,
  parseTufRoot,
  signTufMetadata,
  type Signer,
  TUF_ONLINE_ROLES,
  tufKeyOf,
  tufRootVersions,
  tufMetadataBytes,
  verifyTufRootHistory,
} from '@app/signing';
import { CaError } from '../errors';
import { TrustedRootService } from '../trust/trusted-root.service';

/** The targets this repository distributes, under the names sigstore-js and cosign ask for. */
export const TRUSTED_ROOT_TARGET = 'trusted_root.json';
export const SIGNING_CONFIG_TARGET = 'signing_config.v0.2.json';

const DAY_MS = 86_400_000;
/** A new targets version at least this often, so that its expiry never comes close. */
const TARGETS_REFRESH_MS = 7 * DAY_MS;
const TARGETS_LIFETIME_MS = 30 * DAY_MS;
const TIMESTAMP_LIFETIME_MS = DAY_MS;
/** A served timestamp is re-signed when older than this (or when the snapshot changes). */
const TIMESTAMP_REFRESH_MS = 3_600_000;
/** How long the trusted root is taken as unchanged before it is rebuilt from the database. */
const CONTENT_TTL_MS = 5_000;
/** A development root is re-signed (as the next version) when it expires within this. */
const DEV_ROOT_RENEW_MS = 60 * DAY_MS;
const DEV_ROOT_LIFETIME_MS = 365 * DAY_MS;

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
  signedAt: number;
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
export class TufRepositoryService implements OnModuleInit {
  private readonly logger = new Logger(TufRepositoryService.name);
  private online!: Signer;
  /** `N.root.json` bytes, index N-1. */
  private roots: Buffer[] = [];
  private published: Published | undefined;
  private publishing: Promise<Published> | undefined;

  constructor(
    @Inject(SIGNET_CONFIG) private readonly config: SignetConfig,
    private readonly dataSource: DataSource,
    private readonly trust: TrustedRootService,
  ) {}

  async onModuleInit(): Promise<void> {
    const { tufKey, tufRootDir } = this.config.ca;
    if (tufKey !== undefined && tufRootDir !== undefined) {
      this.online = await openSigner(tufKey);
      this.roots = await readRootHistory(tufRootDir);
      this.checkRoots('CA_TUF_ROOT_DIR');
    } else {
      const dir = join(this.config.dataDir, 'tuf');
      await mkdir(dir, { recursive: true, mode: 0o700 });
      this.online = (await developmentSigner(dir, 'online')).signer;
      const root = (await developmentSigner(dir, 'root')).signer;
      this.roots = await developmentRoots(dir, root, this.online);
      this.checkRoots(dir);
      this.logger.warn(
        `CA_TUF_KEY is unset: the TUF repository at /tuf is signed with DEVELOPMENT root and online keys from ${dir}; never use it in production`,
      );
    }
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
    const { version, createdAt } = await this.targetsVersion(Buffer.from(digest, 'hex'), now);
    if (
      previous !== undefined &&
      previous.version === version &&
      previous.digest === digest &&
      now - previous.signedAt < TIMESTAMP_REFRESH_MS
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
    // Timestamp versions are seconds, so they grow across restarts and processes.
    const timestampVersion = Math.max(
      Math.floor(now / 1000),
      (previous?.timestampVersion ?? 0) + 1,
    );
    const timestamp = await signTufMetadata(
      buildTufTimestamp({
        version: timestampVersion,
        expires: new Date(now + TIMESTAMP_LIFETIME_MS),
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
      signedAt: now,
      checkedAt: now,
    };
    return this.published;
  }

  /**
   * The targets version for a set of targets: the newest row when it lists the same digest and is
   * fresh, else the next version (two processes racing insert the same number; one wins).
   */
  private async targetsVersion(
    digest: Buffer,
    now: number,
  ): Promise<{ version: number; createdAt: Date }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const [latest] = await this.dataSource.query<
        Array<{ version: number; targets_sha256: Buffer; created_at: Date }>
      >(
        'SELECT version, targets_sha256, created_at FROM tuf_targets_version ORDER BY version DESC LIMIT 1',
      );
      if (
        latest !== undefined &&
        latest.targets_sha256.equals(digest) &&
        now - latest.created_at.getTime() < TARGETS_REFRESH_MS
      ) {
        return { version: latest.version, createdAt: latest.created_at };
      }
      const inserted = await this.dataSource.query<Array<{ version: number; created_at: Date }>>(
        `INSERT INTO tuf_targets_version (version, targets_sha256) VALUES ($1, $2)
         ON CONFLICT (version) DO NOTHING RETURNING version, created_at`,
        [(latest?.version ?? 0) + 1, digest],
      );
      const row = inserted[0];
      if (row !== undefined) return { version: row.version, createdAt: row.created_at };
    }
    throw new CaError('UNAVAILABLE', 'TUF targets version: too many concurrent updates, retry');
  }

  /** Boot checks: an unbroken, correctly signed history whose newest root names the online key. */
  private checkRoots(where: string): void {
    const parsed = this.roots.map((bytes, i) => {
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
    const online = tufKeyOf(this.online.publicKey).keyID;
    for (const role of TUF_ONLINE_ROLES) {
      if (!latest.signed.roles[role]?.keyIDs.includes(online)) {
        throw new ConfigError([
          `${where}: ${latest.signed.version}.root.json does not list the CA_TUF_KEY key (${online}) for the ${role} role`,
        ]);
      }
    }
    const expires = new Date(latest.signed.expires);
    if (expires.getTime() <= Date.now()) {
      throw new ConfigError([
        `${where}: ${latest.signed.version}.root.json expired at ${latest.signed.expires}; sign a new root with \`signet tuf root\``,
      ]);
    }
    if (expires.getTime() - Date.now() < 30 * DAY_MS) {
      this.logger.warn(
        `TUF root version ${latest.signed.version} expires at ${latest.signed.expires}: sign the next one with \`signet tuf root\``,
      );
    }
  }
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `1.root.json`, `2.root.json`, … from `dir`, in order. */
async function readRootHistory(dir: string): Promise<Buffer[]> {
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
async function developmentRoots(dir: string, root: Signer, online: Signer): Promise<Buffer[]> {
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
