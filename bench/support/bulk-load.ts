// Fills the log's artifact tree fast through the log's own integration transaction (Integrator →
// @app/merkle integrate: leaves, tiles, SETs, one checkpoint per batch), run in this process on a
// TypeORM DataSource of the stack's database, with the log's key and tree but batches of 4096.
// Entries are realistic hashedrekord canonical bodies made from a template (distinct digests, one
// fixed signature): append() does not re-validate, so nothing here costs a verification.
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createHash, sign, X509Certificate } from 'node:crypto';
import { DataSource } from 'typeorm';
import { hashLeaf } from '@app/merkle';
import { dataSourceOptions, loadConfig } from '@app/platform';
import { fingerprintOf, publicKeyToDer } from '@app/signing';
import { logEntities } from '@app/schema';
import { EntryRepository } from '../../apps/transparency-log/src/core/entry.repository';
import type { PreparedEntry } from '../../apps/transparency-log/src/core/entry';
import { Integrator } from '../../apps/transparency-log/src/core/integrator';
import { LogTree } from '@app/schema';
import { TreeRepository } from '../../apps/transparency-log/src/core/tree.repository';
import type { TreeSigning } from '../../apps/transparency-log/src/core/tree-signing';
import { openTreeSignings } from '../../apps/transparency-log/src/log-keys';
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
    private readonly integrator: Integrator,
    private readonly tree: LogTree,
    private readonly signing: TreeSigning,
    private readonly templates: Template[],
    private readonly run: string,
  ) {}

  /** Opens the log's active artifact tree with the log process's settings (same data dir: same key). */
  static async open(stack: BenchStack, signers: readonly BenchSigner[]): Promise<BulkLoader> {
    Logger.overrideLogger(false);
    const config = loadConfig({ ...stack.logEnv, LOG_LEVEL: 'silent' });
    const dataSource = await new DataSource(
      dataSourceOptions({
        url: config.databaseUrl!,
        poolSize: 4,
        applicationName: 'signet-bench-loader',
        entities: logEntities,
        migrations: [],
      }),
    ).initialize();
    const signings = await openTreeSignings(config);
    const signing = signings.get('artifact')!;
    await signings.get('ct')!.signer.close?.();
    const tree = await dataSource
      .getRepository(LogTree)
      .findOneByOrFail({ purpose: 'artifact', active: true });
    if (!tree.publicKey.equals(publicKeyToDer(signing.signer.publicKey))) {
      throw new Error(`tree ${tree.id} is signed by another key than the log's LOG_KEY`);
    }
    const integrator = new Integrator(
      new TreeRepository(dataSource),
      new EntryRepository(dataSource),
    );
    const templates = signers.map(template);
    return new BulkLoader(
      dataSource,
      integrator,
      tree,
      signing,
      templates,
      Date.now().toString(36),
    );
  }

  /** The artifact tree's current size. */
  async size(): Promise<number> {
    const rows = await this.dataSource.query<Array<{ size: string }>>(
      'SELECT size FROM tree_state WHERE tree_id = $1',
      [this.tree.id.toString()],
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
      const n = Math.min(BATCH, target - size);
      const batch = Array.from({ length: n }, () => this.next());
      inflight.push(this.integrator.integrate(this.tree, this.signing, batch));
      size += n;
      // Two batches in flight: the next one waits on the tree head's lock while one integrates.
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
    await this.signing.signer.close?.();
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
