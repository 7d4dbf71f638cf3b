// Proofs and storage at growing tree sizes: the log is filled by the bulk loader (the log's own
// integration path), then inclusion and consistency proofs are timed over HTTP (one request at a
// time) and server-side (TileReader over the database's tiles, read with pg through a TileCache of
// the log's default size, one reader per proof as a request would use). Storage is measured at the
// largest size.
import type { Pool } from 'pg';
import {
  consistencyNodes,
  inclusionNodes,
  type ProofNodes,
  TILE_HEIGHT,
  TileCache,
  TileReader,
} from '@app/merkle';
import { loadConfig } from '@app/platform';
import { type CryptoCosts, timeFigure } from './bounds';
import type { BenchSigner } from './logging';
import { loadBody } from '../apps/transparency-log/src/core/stored-body';
import { BulkLoader } from './support/bulk-load';
import {
  failed,
  figure,
  type Figure,
  msSince,
  percentile,
  progress,
  round,
  sampler,
  sorted,
} from './support/figures';
import { HttpClient } from './support/load';
import type { BenchStack } from './support/stack';

export interface ProofsOptions {
  quick: boolean;
}

const label = (size: number) => `1e${Math.round(Math.log10(size))}`;

/**
 * SHA-256 computations a tile-backed log must do for a proof: a node at Merkle level l is
 * recomputed from 2^(l mod 8) hashes of its tile (2^(l mod 8) − 1 hashes), plus the folds of the
 * ephemeral right-edge node. Nothing else in serving a proof is cryptography.
 */
function proofHashes(nodes: ProofNodes): number {
  let n = 0;
  for (const id of nodes.ids) n += (1 << (id.level % TILE_HEIGHT)) - 1;
  const e = nodes.ephemeral;
  return e ? n + e.end - e.begin - 1 : n;
}

/** Times `body` `samples` times, sequentially; returns sorted latencies in ms. */
async function latencies(
  samples: number,
  body: (i: number) => Promise<unknown>,
): Promise<Float64Array> {
  for (let i = 0; i < Math.min(20, samples); i++) await body(i);
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    await body(i);
    out.push(msSince(start));
  }
  return sorted(out);
}

export async function runProofsBench(
  stack: BenchStack,
  costs: CryptoCosts,
  signers: readonly BenchSigner[],
  opts: ProofsOptions,
): Promise<Figure[]> {
  const sizes = opts.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  const samples = opts.quick ? 200 : 500;
  // HTTP round trips are slower and noisier; fewer of them fit the quick budget.
  const httpSamples = opts.quick ? 100 : 500;
  const figures: Figure[] = [];
  const client = new HttpClient(stack.logUrl, 1);
  let loader: BulkLoader | undefined;
  try {
    loader = await BulkLoader.open(stack, signers);
    const treeId = await activeArtifactTree(stack.db);
    for (const size of sizes) {
      const at = label(size);
      progress(`proofs: bulk loading the log to ${size} entries`);
      figures.push(figure(`bulk_load_per_s_${at}`, 'ops/s', await loader.grow(size)));
      const random = sampler(size);
      const leaves = Array.from({ length: samples }, () => BigInt(random(size)));
      const firsts = Array.from({ length: samples }, () => BigInt(1 + random(size - 1)));
      const n = BigInt(size);
      const boundOf = (nodes: ProofNodes[]) =>
        (nodes.reduce((sum, p) => sum + proofHashes(p), 0) / nodes.length) * costs.sha256Ms;
      const inclusionBound = boundOf(leaves.map((i) => inclusionNodes(i, n)));
      const consistencyBound = boundOf(firsts.map((m) => consistencyNodes(m, n)));

      // The log's own read path: its default cache in front of one query per tile.
      const cache = new TileCache(loadConfig(stack.logEnv).log.tileCacheBytes);
      const getTile = cache.reader(treeId, tileGetter(stack.db, treeId));
      const inclusion = await latencies(samples, (i) =>
        new TileReader(n, getTile).inclusionProof(leaves[i]!),
      );
      const consistency = await latencies(samples, (i) =>
        new TileReader(n, getTile).consistencyProof(firsts[i]!),
      );
      const httpInclusion = await latencies(httpSamples, (i) =>
        client.getJson(`/api/v1/log/entries?logIndex=${leaves[i]}`),
      );
      const httpConsistency = await latencies(httpSamples, (i) =>
        client.getJson(`/api/v1/log/proof?firstSize=${firsts[i]}&lastSize=${size}`),
      );
      const series = [
        ['inclusion_proof', inclusion, inclusionBound],
        ['consistency_proof', consistency, consistencyBound],
        ['inclusion_proof_http', httpInclusion, inclusionBound],
        ['consistency_proof_http', httpConsistency, consistencyBound],
      ] as const;
      for (const [name, lat, bound] of series) {
        figures.push(
          timeFigure(`${name}_p50_ms_${at}`, 'ms', percentile(lat, 50), bound),
          timeFigure(`${name}_p99_ms_${at}`, 'ms', percentile(lat, 99), bound),
        );
      }
      progress(
        `proofs at ${size}: inclusion p50 ${percentile(inclusion, 50).toFixed(2)} ms in-process, ${percentile(httpInclusion, 50).toFixed(2)} ms HTTP; consistency p50 ${percentile(consistency, 50).toFixed(2)} / ${percentile(httpConsistency, 50).toFixed(2)} ms`,
      );
    }
    figures.push(...(await storage(stack.db, sizes[sizes.length - 1]!)));
  } catch (err) {
    figures.push(
      failed(`inclusion_proof_p50_ms_${label(sizes[sizes.length - 1]!)}`, 'ms', err),
      failed(`consistency_proof_p50_ms_${label(sizes[sizes.length - 1]!)}`, 'ms', err),
      failed('db_bytes_per_entry', 'bytes', err),
    );
  } finally {
    client.close();
    await loader?.close();
  }
  return figures;
}

async function activeArtifactTree(db: Pool): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM log_tree WHERE purpose = 'artifact' AND active`,
  );
  if (rows[0] === undefined) throw new Error('the log has no active artifact tree');
  return rows[0].id;
}

/** Reads tiles as the log does: one query per tile, as stored (at least `width` hashes). */
function tileGetter(db: Pool, treeId: string) {
  return async (tileLevel: number, tileIndex: bigint, width: number): Promise<Uint8Array> => {
    const { rows } = await db.query<{ hashes: Buffer }>(
      'SELECT hashes FROM hash_tile WHERE tree_id = $1 AND tile_level = $2 AND tile_index = $3',
      [treeId, tileLevel, tileIndex.toString()],
    );
    const hashes = rows[0]?.hashes;
    if (hashes === undefined || hashes.length < width * 32)
      throw new Error(`tile ${tileLevel}/${tileIndex} is missing`);
    return hashes;
  };
}

/** The mean canonical body size, from about 1% of the table's pages (bodies are stored deflated). */
async function canonicalBodySize(db: Pool): Promise<{ canonical: number; stored: number }> {
  const { rows } = await db.query<{ body: Buffer; body_deflated: boolean }>(
    'SELECT body, body_deflated FROM log_entry TABLESAMPLE SYSTEM (1) REPEATABLE (1)',
  );
  if (rows.length === 0) throw new Error('the storage sample holds no entry');
  let canonical = 0;
  let stored = 0;
  for (const r of rows) {
    canonical += loadBody(r.body, r.body_deflated).length;
    stored += r.body.length;
  }
  return { canonical: canonical / rows.length, stored: stored / rows.length };
}

/** Bytes on disk per entry (tables, their indexes and TOAST) beside the canonical body size. */
async function storage(db: Pool, size: number): Promise<Figure[]> {
  const tables = ['log_entry', 'hash_tile', 'search_index', 'checkpoint'] as const;
  const { rows } = await db.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM log_entry) AS entries,
            pg_relation_size('log_entry') AS log_entry_heap,
            pg_indexes_size('log_entry') AS log_entry_indexes,
            ${tables.map((t) => `pg_total_relation_size('${t}') AS ${t}`).join(', ')}`,
  );
  const row = rows[0]!;
  const entries = Number(row.entries);
  const { canonical: body, stored } = await canonicalBodySize(db);
  const perEntry = (t: string) => Number(row[t]) / entries;
  const total = tables.reduce((sum, t) => sum + perEntry(t), 0);
  const note = `${entries} entries (artifact tree at ${size})`;
  return [
    {
      id: 'db_bytes_per_entry',
      unit: 'bytes',
      value: round(total),
      bound: round(body),
      ratio: round(body / total),
      note,
    },
    figure('db_body_bytes_per_entry', 'bytes', body, note),
    figure('db_stored_body_bytes_per_entry', 'bytes', stored, note),
    figure('db_bytes_per_entry_beyond_body', 'bytes', total - body, note),
    ...tables.map((t) => figure(`db_bytes_per_entry_${t}`, 'bytes', perEntry(t), note)),
    // log_entry split: rows (8 KB pages), its indexes, and the rest (TOAST, free space map).
    figure('db_bytes_per_entry_log_entry_heap', 'bytes', perEntry('log_entry_heap'), note),
    figure('db_bytes_per_entry_log_entry_indexes', 'bytes', perEntry('log_entry_indexes'), note),
  ];
}
