import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { CompactRange, emptyRoot, TileReader } from '@app/merkle';
import { developmentSigner, openSigner, SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import {
  logIdOf,
  publicKeyToDer,
  rekorCheckpointOrigin,
  rekorKeyName,
  signCheckpoint,
  signEntryTimestamp,
  type Signer,
} from '@app/signing';
import { LogError } from '../errors';
import { Sequencer } from './sequencer';
import { LogTree, type TreePurpose } from './tree.entities';
import { type NewEntryRow, TreeRepository } from './tree.repository';

/** An entry ready to integrate: canonical body, leaf hash, and its search keys. */
export interface PreparedEntry {
  body: Buffer;
  leafHash: Buffer;
  kind: string;
  apiVersion: string;
  indexKeys: readonly string[];
}

/** Where an entry landed (or already was), and the checkpoint its proof is against. */
export interface Integrated {
  duplicate: boolean;
  leafIndex: bigint;
  /** Present for new entries: the checkpoint signed for the batch. */
  checkpoint?: { treeSize: bigint; rootHash: Buffer; note: string };
  integratedTime?: bigint;
  signedEntryTimestamp?: Buffer;
}

const BOOTSTRAP_LOCK = 5_170_221_902;

/**
 * The log's trees: opens the signing key, makes sure an active tree exists for it (freezing
 * the previous one when the key changed), and integrates batches of entries into it.
 */
@Injectable()
export class TreesService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TreesService.name);
  private signer!: Signer;
  private activeTree!: LogTree;
  private sequencer!: Sequencer<PreparedEntry, Integrated>;

  constructor(
    private readonly repo: TreeRepository,
    @Inject(SIGNET_CONFIG) private readonly config: SignetConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const { log, dataDir } = this.config;
    if (log.key !== undefined) {
      this.signer = await openSigner(log.key);
    } else {
      const dev = await developmentSigner(dataDir, 'transparency-log');
      this.signer = dev.signer;
      this.logger.warn(
        `LOG_KEY is unset: signing with the DEVELOPMENT key in ${dataDir}/keys${dev.created ? ' (just created)' : ''}; configure LOG_KEY in production`,
      );
    }
    this.activeTree = await this.ensureActiveTree('artifact', this.signer);
    this.sequencer = new Sequencer(
      (batch) => this.integrate(batch),
      log.batchMaxSize,
      log.batchMaxWaitMs,
    );
  }

  async onModuleDestroy(): Promise<void> {
    const closable = this.signer as Signer & { close?: () => void | Promise<void> };
    await closable.close?.();
  }

  get active(): LogTree {
    return this.activeTree;
  }

  /** The key name of checkpoints and the signer of SETs for the active tree. */
  get keyName(): string {
    return rekorKeyName(this.config.logPublicUrl);
  }

  get activeSigner(): Signer {
    return this.signer;
  }

  get batchSizes(): readonly number[] {
    return this.sequencer.recentBatchSizes;
  }

  /** Queues an entry for the active tree; resolves once its batch is committed. */
  append(entry: PreparedEntry): Promise<Integrated> {
    return this.sequencer.submit(entry);
  }

  /** A reader of the tree's tiles as they were at `treeSize` (tiles only ever grow). */
  reader(treeId: bigint, treeSize: bigint): TileReader {
    return new TileReader(treeSize, async (tileLevel, tileIndex, width) => {
      const hashes = await this.repo.tile(treeId, tileLevel, tileIndex);
      if (hashes === undefined || hashes.length < width * 32) {
        throw new LogError(
          'UNAVAILABLE',
          `tile ${tileLevel}/${tileIndex} of tree ${treeId} is missing`,
        );
      }
      return hashes.subarray(0, width * 32);
    });
  }

  private async ensureActiveTree(purpose: TreePurpose, signer: Signer): Promise<LogTree> {
    const publicKey = Buffer.from(publicKeyToDer(signer.publicKey));
    return this.repo.transaction(async (q) => {
      // Several processes may start at once: one of them creates the tree, the others find it.
      await q.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
      const rows = (await q.query('SELECT id FROM log_tree WHERE purpose = $1 AND active', [
        purpose,
      ])) as Array<{ id: string }>;
      let offset = 0n;
      if (rows[0] !== undefined) {
        const current = (await this.repo.tree(BigInt(rows[0].id)))!;
        if (current.publicKey.equals(publicKey)) return current;
        const head = await this.repo.head(current, q, true);
        await q.query('UPDATE log_tree SET active = false, frozen_at = now() WHERE id = $1', [
          current.id.toString(),
        ]);
        offset = current.indexOffset + head.size;
        this.logger.warn(
          `the ${purpose} signing key changed: froze tree ${current.id} at size ${head.size}`,
        );
      }
      const id = BigInt(`0x${randomBytes(8).toString('hex')}`) & (2n ** 63n - 1n) || 1n;
      const origin = rekorCheckpointOrigin(this.config.logPublicUrl, id);
      await q.query(
        `INSERT INTO log_tree (id, purpose, origin, active, public_key, log_id, index_offset) VALUES ($1, $2, $3, true, $4, $5, $6)`,
        [
          id.toString(),
          purpose,
          origin,
          publicKey,
          Buffer.from(logIdOf(signer.publicKey)),
          offset.toString(),
        ],
      );
      const root = Buffer.from(emptyRoot());
      await q.query(
        'INSERT INTO tree_state (tree_id, size, root_hash, right_edge) VALUES ($1, 0, $2, $3)',
        [id.toString(), root, Buffer.alloc(0)],
      );
      const note = await signCheckpoint(signer, rekorKeyName(this.config.logPublicUrl), {
        origin,
        treeSize: 0n,
        rootHash: root,
      });
      await this.repo.insertCheckpoint(q, id, 0n, root, note);
      this.logger.log(
        `created ${purpose} tree ${id} (origin "${origin}", global indices from ${offset})`,
      );
      return await q.manager.findOneByOrFail(LogTree, { id });
    });
  }

  /** One transaction: lock the head, skip duplicates, append leaves and tiles, sign a checkpoint. */
  private async integrate(batch: PreparedEntry[]): Promise<Integrated[]> {
    const tree = this.activeTree;
    return this.repo.transaction(async (q) => {
      const head = await this.repo.head(tree, q, true);
      const existing = await this.repo.existing(
        q,
        tree.id,
        batch.map((b) => b.leafHash),
      );
      const edge: Uint8Array[] = [];
      for (let i = 0; i < head.rightEdge.length; i += 32)
        edge.push(head.rightEdge.subarray(i, i + 32));
      const range = CompactRange.fromHashes(head.size, edge);
      const tiles = new Map<
        string,
        { tileLevel: number; tileIndex: bigint; parts: Uint8Array[] }
      >();
      const integratedTime = BigInt(Math.floor(Date.now() / 1000));
      const logID = tree.logId.toString('hex');
      const rows: NewEntryRow[] = [];
      const results: Integrated[] = [];
      for (const entry of batch) {
        const hex = entry.leafHash.toString('hex');
        const seen = existing.get(hex);
        if (seen !== undefined) {
          results.push({ duplicate: true, leafIndex: seen });
          continue;
        }
        const leafIndex = range.size;
        existing.set(hex, leafIndex);
        range.append(entry.leafHash, (level, index, hash) => {
          if (level % 8 !== 0) return;
          const tileLevel = level / 8;
          const tileIndex = index >> 8n;
          const key = `${tileLevel}/${tileIndex}`;
          let tile = tiles.get(key);
          if (tile === undefined) tiles.set(key, (tile = { tileLevel, tileIndex, parts: [] }));
          tile.parts.push(hash);
        });
        const globalIndex = tree.indexOffset + leafIndex;
        const set = await signEntryTimestamp(this.signer, {
          body: entry.body.toString('base64'),
          integratedTime,
          logID,
          logIndex: globalIndex,
        });
        const signedEntryTimestamp = Buffer.from(set);
        rows.push({ ...entry, leafIndex, globalIndex, integratedTime, signedEntryTimestamp });
        results.push({ duplicate: false, leafIndex, integratedTime, signedEntryTimestamp });
      }
      if (rows.length === 0) return results;
      await this.repo.insertEntries(q, tree.id, rows);
      await this.repo.appendToTiles(
        q,
        tree.id,
        [...tiles.values()].map((t) => ({
          tileLevel: t.tileLevel,
          tileIndex: t.tileIndex,
          hashes: Buffer.concat(t.parts),
        })),
      );
      const rootHash = Buffer.from(range.root());
      await this.repo.advance(q, tree.id, range.size, rootHash, Buffer.concat(range.hashes));
      const note = await signCheckpoint(this.signer, this.keyName, {
        origin: tree.origin,
        treeSize: range.size,
        rootHash,
      });
      await this.repo.insertCheckpoint(q, tree.id, range.size, rootHash, note);
      const checkpoint = { treeSize: range.size, rootHash, note };
      for (const r of results) if (!r.duplicate) r.checkpoint = checkpoint;
      return results;
    });
  }
}
