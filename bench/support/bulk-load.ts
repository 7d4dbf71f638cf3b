// Fills the log's artifact tree fast through the log's own integration path: TreesService.append
// → Sequencer → integrate (leaves, tiles, SETs, one checkpoint per batch), run in this process on a
// TypeORM DataSource of the stack's database, with the log's key and origin but batches of 4096.
// Entries are realistic hashedrekord canonical bodies made from a template (distinct digests, one
// fixed signature): append() does not re-validate, so nothing here costs a verification.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createHash, sign, X509Certificate } from 'node:crypto';
import { DataSource } from 'typeorm';
import { hashLeaf } from '@app/merkle';
import { dataSourceOptions, loadConfig } from '@app/platform';
import { fingerprintOf } from '@app/signing';
import { logEntities } from '../../apps/transparency-log/src/entities';
import { TreeRepository } from '../../apps/transparency-log/src/tree/tree.repository';
import type { PreparedEntry } from '../../apps/transparency-log/src/tree/entry';
import { TreesService } from '../../apps/transparency-log/src/tree/trees.service';
import type { BenchSigner } from '../logging';
import { progress } from './figures';
import { BENCH_EMAIL, type BenchStack } from './stack';

const BATCH = 4096;

interface Template {
  prefix: string;
  suffix: string;
  keys: string[];
}

/** Appends entries to the stack's active artifact tree until it reaches a given size. */
export class BulkLoader {
  private made = 0;

  private constructor(
    private readonly dataSource: DataSource,
    private readonly trees: TreesService,
    private readonly templates: Template[],
    private readonly run: string,
  ) {}

  /** Opens the log's tree with the log process's settings (same data dir: same key and origin). */
  static async open(stack: BenchStack, signers: readonly BenchSigner[]): Promise<BulkLoader> {
    Logger.overrideLogger(false);
    const config = loadConfig({
      ...stack.logEnv,
      LOG_BATCH_MAX_SIZE: String(BATCH),
      LOG_BATCH_MAX_WAIT_MS: '5',
      LOG_LEVEL: 'silent',
    });
    const dataSource = await new DataSource(
      dataSourceOptions({
        url: config.databaseUrl!,
        poolSize: 4,
        applicationName: 'signet-bench-loader',
        entities: logEntities,
        migrations: [],
      }),
    ).initialize();
    const trees = new TreesService(new TreeRepository(dataSource), config);
    await trees.onModuleInit();
    return new BulkLoader(dataSource, trees, signers.map(template), Date.now().toString(36));
  }

  /** The artifact tree's current size. */
  async size(): Promise<number> {
    const rows = await this.dataSource.query<Array<{ size: string }>>(
      'SELECT size FROM tree_state WHERE tree_id = $1',
      [this.trees.active.id.toString()],
    );
    return Number(rows[0]!.size);
  }

  /** Appends distinct entries until the tree has `target` leaves; returns entries/s. */
  async grow(target: number): Promise<number> {
    const from = await this.size();
    const start = Date.now();
    const inflight: Array<Promise<unknown>> = [];
    let reported = from;
    for (let size = from; size < target;) {
      const n = Math.min(2 * BATCH, target - size);
      const wave = Array.from({ length: n }, () => this.trees.append(this.next()));
      inflight.push(Promise.all(wave));
      size += n;
      // Two waves in flight: the next batch is queued while one integrates.
      if (inflight.length >= 2) await inflight.shift();
      if (size - reported >= 100_000) {
        progress(`bulk load: ${size} entries (${rate(size - from, start).toFixed(0)}/s)`);
        reported = size;
      }
    }
    await Promise.all(inflight);
    const size = await this.size();
    if (size !== target) throw new Error(`bulk load reached size ${size}, expected ${target}`);
    return rate(target - from, start);
  }

  async close(): Promise<void> {
    await this.trees.onModuleDestroy();
    await this.dataSource.destroy();
  }

  private next(): PreparedEntry {
    const n = this.made++;
    const t = this.templates[n % this.templates.length]!;
    const digest = createHash('sha256').update(`bulk ${this.run} ${n}`).digest('hex');
    const body = Buffer.from(`${t.prefix}${digest}${t.suffix}`);
    return {
      body,
      leafHash: Buffer.from(hashLeaf(body)),
      kind: 'hashedrekord',
      apiVersion: '0.0.1',
      indexKeys: [`sha256:${digest}`, ...t.keys],
    };
  }
}

/** The canonical hashedrekord body around its digest, as the log would store it for `signer`. */
function template(signer: BenchSigner): Template {
  const signature = sign('sha256', Buffer.from('bulk'), {
    key: signer.privateKey,
    dsaEncoding: 'der',
  }).toString('base64');
  const marker = '@DIGEST@';
  const body = JSON.stringify({
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: marker } },
      signature: {
        content: signature,
        publicKey: { content: Buffer.from(signer.certificatePem).toString('base64') },
      },
    },
  });
  const [prefix, suffix] = body.split(marker) as [string, string];
  const publicKey = new X509Certificate(signer.certificatePem).publicKey;
  return { prefix, suffix, keys: [`key:${fingerprintOf(publicKey)}`, `email:${BENCH_EMAIL}`] };
}

function rate(count: number, start: number): number {
  return count / ((Date.now() - start) / 1000);
}
