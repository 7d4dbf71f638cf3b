/* The three logs of a Signet instance as the monitor reads them: each one's signed head (its
   signature checked with the trusted root), a consistency proof between two sizes, and its
   entries in order with their leaf hashes. */
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import {
  type CompactRange,
  decodeEntryBundle,
  formatEntriesPath,
  formatTilePath,
  hashLeaf,
  TILE_WIDTH,
  TileReader,
  tileWidth,
} from '@app/merkle';
import { openCheckpoint } from '@app/signing';
import type { CliContext } from '../../cli/context';
import { verificationFailed } from '../../cli/exit-codes';
import { requestBytes, requestJson } from '../../cli/http';
import {
  decodeCtEntry,
  type GetEntriesItem,
  type GetSthResponse,
  verifiedTreeHead,
} from '../../admin/ct-entries';
import { c2spCheckpointVerifiers, openSignedCheckpoint } from '../checkpoints';
import { getLogInfo } from '../log-api';
import { readCtCertificate, readRekorBody, type ReadEntry } from './entry-material';

/** The logs a monitor can follow. */
export const LOG_NAMES = ['artifact', 'ct', 'rekor-v2'] as const;
export type LogName = (typeof LOG_NAMES)[number];

/** A log's head whose signature verified. */
export interface SignedHead {
  readonly origin: string;
  readonly treeSize: bigint;
  readonly rootHash: Uint8Array;
  /** The checkpoint note or RFC 6962 tree head as served. */
  readonly signed: string;
}

/** One entry, with the leaf hash the tree commits to. */
export interface FollowedEntry {
  readonly index: bigint;
  readonly leafHash: Uint8Array;
  readonly entry: ReadEntry;
}

export interface FollowedLog {
  readonly name: LogName;
  readonly url: string;
  /** The current head. Throws a failed verification (exit 1) when no trusted key signed it. */
  head(): Promise<SignedHead>;
  /** The RFC 9162 consistency proof from `first` to `second` (`0 < first < second`). */
  consistencyProof(first: bigint, second: bigint): Promise<Uint8Array[]>;
  /** The compact range of the first `size` leaves, from the tree of `treeSize` (its tiles). */
  compactRange(size: bigint, treeSize: bigint): Promise<CompactRange>;
  /** Entries `[start, end)` in index order; `end` is at most the head's size. */
  entries(start: bigint, end: bigint): Promise<FollowedEntry[]>;
}

/** The log `name` of the instance at `logUrl`, checked against `root`. */
export function followedLog(
  ctx: CliContext,
  name: LogName,
  logUrl: string,
  root: TrustedRoot,
): FollowedLog {
  switch (name) {
    case 'artifact':
      return new TiledLog(ctx, name, logUrl, '/api/v1/log/', async () => {
        const signed = (await getLogInfo(ctx, logUrl)).signedTreeHead;
        return { signed, ...openSignedCheckpoint(signed, root, "the artifact log's checkpoint") };
      });
    case 'rekor-v2':
      return new TiledLog(ctx, name, logUrl, '/api/v2/', async () => {
        const url = `${logUrl}/api/v2/checkpoint`;
        const signed = Buffer.from(await requestBytes(ctx, 'checkpoint', url)).toString('utf8');
        return { signed, ...openV2Checkpoint(signed, root) };
      });
    case 'ct':
      return new CtLog(ctx, logUrl, root);
  }
}

/** Rekor v2 checkpoints: C2SP key IDs under the hostname of a trusted log's `baseUrl`. */
function openV2Checkpoint(note: string, root: TrustedRoot) {
  const verifiers = c2spCheckpointVerifiers(root.tlogs);
  try {
    return openCheckpoint(note, verifiers).checkpoint;
  } catch (err) {
    throw verificationFailed(
      `the Rekor v2 checkpoint does not verify with the trusted root's log keys: ${(err as Error).message}`,
      'CHECKPOINT_ERROR',
      err,
    );
  }
}

/** Reads the C2SP tlog-tiles of a log under `prefix` (`/api/v1/log/`, `/ct/`, `/api/v2/`). */
class Tiles {
  constructor(
    private readonly ctx: CliContext,
    private readonly what: string,
    private readonly base: string,
  ) {}

  fetch(path: string): Promise<Uint8Array> {
    return requestBytes(this.ctx, this.what, `${this.base}${path}`);
  }

  reader(treeSize: bigint): TileReader {
    return new TileReader(treeSize, (level, index, width) =>
      this.fetch(formatTilePath(level, index, width)),
    );
  }
}

/** A log read through C2SP tlog-tiles under `prefix`, whose entry bundles hold Rekor bodies. */
class TiledLog implements FollowedLog {
  private readonly tiles: Tiles;

  constructor(
    ctx: CliContext,
    readonly name: LogName,
    readonly url: string,
    prefix: string,
    readonly head: () => Promise<SignedHead>,
  ) {
    this.tiles = new Tiles(ctx, `${name} log tile`, `${url}${prefix}`);
  }

  consistencyProof(first: bigint, second: bigint): Promise<Uint8Array[]> {
    return this.tiles.reader(second).consistencyProof(first);
  }

  compactRange(size: bigint, treeSize: bigint): Promise<CompactRange> {
    return this.tiles.reader(treeSize).compactRange(size);
  }

  async entries(start: bigint, end: bigint): Promise<FollowedEntry[]> {
    const out: FollowedEntry[] = [];
    const width = BigInt(TILE_WIDTH);
    for (let tile = start / width; tile * width < end; tile++) {
      const available = tileWidth(0, tile, end);
      const bodies = decodeEntryBundle(
        await this.tiles.fetch(formatEntriesPath(tile, available)),
        available,
      );
      bodies.forEach((body, i) => {
        const index = tile * width + BigInt(i);
        if (index < start) return;
        out.push({ index, leafHash: hashLeaf(body), entry: readRekorBody(body) });
      });
    }
    return out;
  }
}

/** The CT log through its RFC 6962 API (get-sth, get-sth-consistency, get-entries). */
class CtLog implements FollowedLog {
  readonly name = 'ct';
  private readonly tiles: Tiles;

  constructor(
    private readonly ctx: CliContext,
    readonly url: string,
    private readonly root: TrustedRoot,
  ) {
    this.tiles = new Tiles(ctx, 'CT log tile', `${url}/ct/`);
  }

  compactRange(size: bigint, treeSize: bigint): Promise<CompactRange> {
    return this.tiles.reader(treeSize).compactRange(size);
  }

  async head(): Promise<SignedHead> {
    const sth = await requestJson<GetSthResponse>(
      this.ctx,
      'CT tree head',
      `${this.url}/ct/v1/get-sth`,
    );
    try {
      const head = verifiedTreeHead(sth, this.root);
      return {
        origin: `${this.url}/ct`,
        treeSize: head.treeSize,
        rootHash: head.rootHash,
        signed: JSON.stringify(sth),
      };
    } catch (err) {
      throw verificationFailed((err as Error).message, 'CHECKPOINT_ERROR', err);
    }
  }

  async consistencyProof(first: bigint, second: bigint): Promise<Uint8Array[]> {
    const { consistency } = await requestJson<{ consistency: unknown }>(
      this.ctx,
      'CT consistency proof',
      `${this.url}/ct/v1/get-sth-consistency?first=${first}&second=${second}`,
    );
    if (!Array.isArray(consistency) || !consistency.every((h) => typeof h === 'string')) {
      throw verificationFailed(
        'the CT log answered a malformed consistency proof',
        'CONSISTENCY_ERROR',
      );
    }
    return consistency.map((h: string) => Buffer.from(h, 'base64'));
  }

  async entries(start: bigint, end: bigint): Promise<FollowedEntry[]> {
    const out: FollowedEntry[] = [];
    while (start + BigInt(out.length) < end) {
      const from = start + BigInt(out.length);
      const { entries } = await requestJson<{ entries: GetEntriesItem[] }>(
        this.ctx,
        'CT entries',
        `${this.url}/ct/v1/get-entries?start=${from}&end=${end - 1n}`,
      );
      if (!Array.isArray(entries) || entries.length === 0) {
        throw verificationFailed(`the CT log answered no entries from ${from}`, 'ENTRY_ERROR');
      }
      for (const [i, item] of entries.slice(0, Number(end - from)).entries()) {
        const index = from + BigInt(i);
        const leafInput = Buffer.from(item.leaf_input, 'base64');
        let entry: ReadEntry;
        try {
          const decoded = decodeCtEntry(index, leafInput, Buffer.from(item.extra_data, 'base64'));
          entry = readCtCertificate(decoded.type, decoded.certificate);
        } catch (err) {
          throw verificationFailed((err as Error).message, 'ENTRY_ERROR', err);
        }
        out.push({ index, leafHash: hashLeaf(leafInput), entry });
      }
    }
    return out;
  }
}
