import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { emptyRoot, TileCache, TileReader } from '@app/merkle';
import { SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import { logIdOf, publicKeyToDer, type Signer } from '@app/signing';
import { LogError } from '../errors';
import type { Integrated, PreparedEntry } from './entry';
import { Integrator } from './integrator';
import { Sequencer } from './sequencer';
import { LogTree, type TreePurpose } from './tree.entities';
import { TreeRepository } from './tree.repository';
import { close, openTreeSignings } from './tree-keys';
import type { TreeSigning } from './tree-signing';

/** The active tree of one purpose, its signing, and the sequencer that feeds it. */
interface ActiveLog {
  signing: TreeSigning;
  tree: LogTree;
  sequencer: Sequencer<PreparedEntry, Integrated>;
}

const BOOTSTRAP_LOCK = 5_170_221_902;

/**
 * The log's trees, one active tree per purpose (`artifact` for the Rekor API, `ct` for the
 * RFC 6962 API), each with its own key: opens the keys, makes sure an active tree exists for
 * each (freezing the previous one of that purpose when its key changed), and integrates
 * batches of entries into them.
 */
@Injectable()
export class TreesService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TreesService.name);
  private readonly logs = new Map<TreePurpose, ActiveLog>();
  private readonly tiles: TileCache;
  private readonly integrator: Integrator;

  constructor(
    private readonly repo: TreeRepository,
    @Inject(SIGNET_CONFIG) private readonly config: SignetConfig,
  ) {
    this.tiles = new TileCache(config.log.tileCacheBytes);
    this.integrator = new Integrator(repo);
  }

  async onModuleInit(): Promise<void> {
    const signings = await openTreeSignings(this.config, this.logger);
    await this.open('artifact', signings.artifact);
    await this.open('ct', signings.ct);
  }

  async onModuleDestroy(): Promise<void> {
    for (const { signing } of this.logs.values()) await close(signing.signer);
  }

  /** The active artifact (Rekor) tree. */
  get active(): LogTree {
    return this.activeOf('artifact');
  }

  activeOf(purpose: TreePurpose): LogTree {
    return this.log(purpose).tree;
  }

  /** The key that signs the active tree of `purpose` (and, for CT, its SCTs). */
  signerOf(purpose: TreePurpose): Signer {
    return this.log(purpose).signing.signer;
  }

  /** Sizes of the recent artifact batches. */
  get batchSizes(): readonly number[] {
    return this.log('artifact').sequencer.recentBatchSizes;
  }

  /** Queues an entry for the active tree of `purpose`; resolves once its batch is committed. */
  append(entry: PreparedEntry, purpose: TreePurpose = 'artifact'): Promise<Integrated> {
    return this.log(purpose).sequencer.submit(entry);
  }

  /**
   * A reader of the tree's tiles as they were at `treeSize`, through the process's tile cache
   * (tiles only ever grow, so a cached prefix stays true).
   */
  reader(treeId: bigint, treeSize: bigint): TileReader {
    return new TileReader(
      treeSize,
      this.tiles.reader(treeId.toString(), async (tileLevel, tileIndex, width) => {
        const hashes = await this.repo.tile(treeId, tileLevel, tileIndex);
        if (hashes === undefined || hashes.length < width * 32) {
          throw new LogError(
            'UNAVAILABLE',
            `tile ${tileLevel}/${tileIndex} of tree ${treeId} is missing`,
          );
        }
        return hashes;
      }),
    );
  }

  private log(purpose: TreePurpose): ActiveLog {
    const log = this.logs.get(purpose);
    if (log === undefined) throw new LogError('UNAVAILABLE', `the ${purpose} tree is not open`);
    return log;
  }

  private async open(purpose: TreePurpose, signing: TreeSigning): Promise<void> {
    const tree = await this.ensureActiveTree(purpose, signing);
    const { batchMaxSize, batchMaxWaitMs } = this.config.log;
    const sequencer = new Sequencer<PreparedEntry, Integrated>(
      (batch) => {
        const log = this.log(purpose);
        return this.integrator.integrate(log.tree, log.signing, batch);
      },
      batchMaxSize,
      batchMaxWaitMs,
    );
    this.logs.set(purpose, { signing, tree, sequencer });
  }

  private async ensureActiveTree(purpose: TreePurpose, signing: TreeSigning): Promise<LogTree> {
    const publicKey = Buffer.from(publicKeyToDer(signing.signer.publicKey));
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
        // Global indices continue across the trees of one purpose only.
        offset = current.indexOffset + head.size;
        this.logger.warn(
          `the ${purpose} signing key changed: froze tree ${current.id} at size ${head.size}`,
        );
      }
      const id = BigInt(`0x${randomBytes(8).toString('hex')}`) & (2n ** 63n - 1n) || 1n;
      const origin = signing.origin(id);
      await q.query(
        `INSERT INTO log_tree (id, purpose, origin, active, public_key, log_id, index_offset) VALUES ($1, $2, $3, true, $4, $5, $6)`,
        [
          id.toString(),
          purpose,
          origin,
          publicKey,
          Buffer.from(logIdOf(signing.signer.publicKey)),
          offset.toString(),
        ],
      );
      const root = Buffer.from(emptyRoot());
      await q.query(
        'INSERT INTO tree_state (tree_id, size, root_hash, right_edge) VALUES ($1, 0, $2, $3)',
        [id.toString(), root, Buffer.alloc(0)],
      );
      const note = await signing.signCheckpoint({ origin, treeSize: 0n, rootHash: root }, []);
      await this.repo.insertCheckpoint(q, id, 0n, root, note);
      this.logger.log(
        `created ${purpose} tree ${id} (origin "${origin}", global indices from ${offset})`,
      );
      return await q.manager.findOneByOrFail(LogTree, { id });
    });
  }
}
