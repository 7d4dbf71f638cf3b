import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { emptyRoot } from '@app/merkle';
import { closeSigner, ConfigError, SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import { logIdOf, publicKeyToDer, type Signer } from '@app/signing';
import { LogError } from '../errors';
import type { Integrated, PreparedEntry } from './entry';
import { headProblem } from './head-check';
import { Integrator } from './integrator';
import { Sequencer } from './sequencer';
import { LogTree, type TreePurpose } from '@app/schema';
import { TreeRepository } from './tree.repository';
import { TREE_SIGNINGS, type TreeSigning, type TreeSignings } from './tree-signing';

/** The active tree of one purpose, its signing, and the sequencer that feeds it. */
interface ActiveLog {
  signing: TreeSigning;
  tree: LogTree;
  sequencer: Sequencer<PreparedEntry, Integrated>;
}

const BOOTSTRAP_LOCK = 5_170_221_902;
const TREES_REFRESH_MS = 5000;

/**
 * The log's trees: one active tree per purpose that has a signing (the composition root,
 * `log-keys.ts`, opens them), each with its own key. At start it makes sure an active tree
 * exists for each purpose, freezing the previous one when its key changed; then it queues
 * entries for the active trees, and looks trees up for the read paths.
 */
@Injectable()
export class TreeRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TreeRegistry.name);
  private readonly logs = new Map<TreePurpose, ActiveLog>();
  /** Frozen trees never change: looked up once. */
  private readonly frozen = new Map<bigint, LogTree>();
  /** Every tree of a purpose, as read at `at` (see {@link treeWithOrigin}). */
  private readonly byPurpose = new Map<TreePurpose, { at: number; trees: Promise<LogTree[]> }>();

  constructor(
    private readonly repo: TreeRepository,
    private readonly integrator: Integrator,
    @Inject(TREE_SIGNINGS) private readonly signings: TreeSignings,
    @Inject(SIGNET_CONFIG) private readonly config: SignetConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const [purpose, signing] of this.signings) await this.open(purpose, signing);
  }

  async onModuleDestroy(): Promise<void> {
    for (const { signer } of this.signings.values()) await closeSigner(signer);
  }

  /** The active tree of `purpose`. */
  activeOf(purpose: TreePurpose): LogTree {
    return this.log(purpose).tree;
  }

  /** The key that signs the active tree of `purpose` (and, for CT, its SCTs). */
  signerOf(purpose: TreePurpose): Signer {
    return this.log(purpose).signing.signer;
  }

  /**
   * Queues an entry for the active tree of `purpose`; resolves once its batch is committed.
   * Rejects with `UNAVAILABLE` (retry after a second) when `LOG_QUEUE_MAX_ENTRIES` entries of
   * `purpose` are already waiting in this process.
   */
  append(entry: PreparedEntry, purpose: TreePurpose): Promise<Integrated> {
    return this.log(purpose).sequencer.submit(entry);
  }

  /** Every tree of `purpose`, oldest first. */
  trees(purpose: TreePurpose): Promise<LogTree[]> {
    return this.repo.trees(purpose);
  }

  /**
   * The tree of `purpose` whose checkpoint origin is `origin`, active or frozen, if any. Asked on
   * every Rekor v2 request, so the trees of a purpose are re-read at most every few seconds
   * (another process adds one only when it starts with a new key).
   */
  async treeWithOrigin(purpose: TreePurpose, origin: string): Promise<LogTree | undefined> {
    const now = Date.now();
    let known = this.byPurpose.get(purpose);
    if (known === undefined || now - known.at > TREES_REFRESH_MS) {
      known = { at: now, trees: this.repo.trees(purpose) };
      this.byPurpose.set(purpose, known);
    }
    return (await known.trees).find((t) => t.origin === origin);
  }

  /** The tree `id`, of any purpose; NOT_FOUND when there is none. */
  async tree(id: bigint): Promise<LogTree> {
    const known = this.frozen.get(id);
    if (known !== undefined) return known;
    const tree = await this.repo.tree(id);
    if (tree === null) throw new LogError('NOT_FOUND', `no tree ${id}`);
    if (!tree.active) this.frozen.set(id, tree);
    return tree;
  }

  private log(purpose: TreePurpose): ActiveLog {
    const log = this.logs.get(purpose);
    if (log === undefined) throw new LogError('UNAVAILABLE', `the ${purpose} tree is not open`);
    return log;
  }

  private async open(purpose: TreePurpose, signing: TreeSigning): Promise<void> {
    const tree = await this.ensureActiveTree(purpose, signing);
    const { batchMaxSize, batchMaxWaitMs, queueMaxEntries } = this.config.log;
    const sequencer = new Sequencer<PreparedEntry, Integrated>(
      (batch) => {
        const log = this.log(purpose);
        return this.integrator.integrate(log.tree, log.signing, batch);
      },
      batchMaxSize,
      batchMaxWaitMs,
      {
        // Each waiting entry holds its body: past the bound, 503 rather than unbounded memory
        // while a slow database or a burst of writers keeps the sequencer behind.
        maxWaiting: queueMaxEntries,
        full: (waiting) =>
          new LogError(
            'UNAVAILABLE',
            `the log has ${waiting} entries waiting to be integrated (LOG_QUEUE_MAX_ENTRIES); retry later`,
            undefined,
            { retryAfterSeconds: 1 },
          ),
      },
    );
    this.logs.set(purpose, { signing, tree, sequencer });
  }

  private async ensureActiveTree(purpose: TreePurpose, signing: TreeSigning): Promise<LogTree> {
    const publicKey = Buffer.from(publicKeyToDer(signing.signer.publicKey));
    return this.repo.transaction(async (q) => {
      // Several processes may start at once: one of them creates the tree, the others find it.
      await this.repo.lock(q, BOOTSTRAP_LOCK);
      const currentId = await this.repo.activeTreeId(q, purpose);
      let indexOffset = 0n;
      if (currentId !== undefined) {
        const current = (await this.repo.tree(currentId, q))!;
        const head = await this.repo.head(current, q, true);
        if (current.publicKey.equals(publicKey)) {
          // Said at start, not only at the first append: reads keep serving for auditors.
          const problem = headProblem(head, await this.repo.latestCheckpoint(current.id, q));
          if (problem !== undefined) this.logger.error(`appends will be refused: ${problem}`);
          return current;
        }
        await this.repo.freeze(q, current.id);
        // Global indices continue across the trees of one purpose only.
        indexOffset = current.indexOffset + head.size;
        this.logger.warn(
          `the ${purpose} signing key changed: froze tree ${current.id} at size ${head.size}`,
        );
      }
      const id = BigInt(`0x${randomBytes(8).toString('hex')}`) & (2n ** 63n - 1n) || 1n;
      const origin = signing.origin(id);
      // A checkpoint origin names one log for ever (witnesses and clients key on it): a purpose
      // whose origin does not include the tree ID (a Rekor v2 shard: its hostname) needs a new
      // one for a new key. Thrown inside the transaction, so the current tree stays unfrozen.
      const taken = (await this.repo.trees(purpose, q)).find((t) => t.origin === origin);
      if (taken !== undefined) {
        throw new ConfigError([
          `the ${purpose} signing key changed, but the new tree's checkpoint origin "${origin}" is tree ${taken.id}'s; give the new tree a new hostname (LOG_V2_PUBLIC_URL) or restore the previous key`,
        ]);
      }
      const root = Buffer.from(emptyRoot());
      await this.repo.insertTree(
        q,
        {
          id,
          purpose,
          origin,
          publicKey,
          logId: Buffer.from(signing.logId ?? logIdOf(signing.signer.publicKey)),
          indexOffset,
        },
        root,
      );
      const note = await signing.signCheckpoint({ origin, treeSize: 0n, rootHash: root }, []);
      await this.repo.insertCheckpoint(q, id, 0n, root, note);
      this.logger.log(
        `created ${purpose} tree ${id} (origin "${origin}", global indices from ${indexOffset})`,
      );
      return (await this.repo.tree(id, q))!;
    });
  }
}
