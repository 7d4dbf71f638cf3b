// Logging: hashedrekord entries signed with certificates the CA issued (a few issued up front, then
// many distinct artifacts signed with them), POSTed to /api/v1/log/entries by concurrent clients
// for a sustained period at several concurrency levels. Batches are counted as checkpoints.
import { createHash, type KeyObject, sign } from 'node:crypto';
import type { Pool } from 'pg';
import { cryptoTimeMs, type CryptoCosts, rateFigure, timeFigure } from './bounds';
import { issueOne, signingCertRequest } from './issuance';
import { cpuFigures, startCpu } from './support/cpu';
import { failed, figure, type Figure, progress } from './support/figures';
import { type Call, describeLoad, HttpClient, type LoadResult, runLoad } from './support/load';
import { type BenchStack, benchToken } from './support/stack';

export interface LoggingOptions {
  quick: boolean;
}

/** A leaf certificate from the bench's CA and the key it certifies. */
export interface BenchSigner {
  certificatePem: string;
  privateKey: KeyObject;
}

/** Issues `count` certificates for the bench identity from the CA at `caUrl`. */
export async function issueSigners(
  stack: BenchStack,
  caUrl: string,
  count: number,
): Promise<BenchSigner[]> {
  const client = new HttpClient(caUrl);
  try {
    const token = await benchToken(stack);
    const signers: BenchSigner[] = [];
    for (let i = 0; i < count; i++) {
      const { body, privateKey } = signingCertRequest(token);
      signers.push({ certificatePem: (await issueOne(client, body))[0]!, privateKey });
    }
    return signers;
  } finally {
    client.close();
  }
}

/** A proposed hashedrekord entry (as sigstore-js sends it) signing `artifact`. */
export function hashedRekordEntry(signer: BenchSigner, artifact: Buffer): Buffer {
  const digest = createHash('sha256').update(artifact).digest('hex');
  const signature = sign('sha256', artifact, { key: signer.privateKey, dsaEncoding: 'der' });
  return Buffer.from(
    JSON.stringify({
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm: 'sha256', value: digest } },
        signature: {
          content: signature.toString('base64'),
          publicKey: { content: Buffer.from(signer.certificatePem).toString('base64') },
        },
      },
    }),
  );
}

/** Checkpoints of the artifact trees: one per integrated batch. */
export async function artifactCheckpoints(db: Pool): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM checkpoint c JOIN log_tree t ON t.id = c.tree_id WHERE t.purpose = 'artifact'`,
  );
  return Number(rows[0]!.n);
}

/** Entries/s, latency percentiles and batch sizes, sustained at several concurrency levels. */
export async function runLoggingBench(
  stack: BenchStack,
  costs: CryptoCosts,
  opts: LoggingOptions,
): Promise<Figure[]> {
  const levels = opts.quick ? [16, 64] : [16, 64, 256];
  const durationMs = opts.quick ? 5_000 : 30_000;
  const client = new HttpClient(stack.logUrl);
  const figures: Figure[] = [];
  try {
    const signers = await issueSigners(stack, stack.caUrl, 8);
    const run = Date.now().toString(36);
    const entries =
      (label: string) =>
      (i: number): Call => ({
        method: 'POST',
        path: '/api/v1/log/entries',
        body: hashedRekordEntry(
          signers[i % signers.length]!,
          Buffer.from(`signet bench artifact ${run} ${label} ${i}`),
        ),
      });
    await runLoad({
      client,
      concurrency: 16,
      call: entries('warm'),
      expect: 201,
      durationMs: 1_000,
    });
    const boundMs = cryptoTimeMs.logAppend(costs);
    const { cpu } = stack;
    const counters = { log: cpu.log!, postgres: cpu.postgres!, client: cpu.client! };
    let best:
      { level: number; r: LoadResult; batch: number; used: Record<string, number> } | undefined;
    for (const level of levels) {
      const before = await artifactCheckpoints(stack.db);
      const meter = startCpu(counters);
      const r = await runLoad({
        client,
        concurrency: level,
        call: entries(`c${level}`),
        expect: 201,
        durationMs,
      });
      const used = meter();
      const batch = r.ok / Math.max(1, (await artifactCheckpoints(stack.db)) - before);
      progress(
        `${describeLoad(`log append c=${level}`, r)}, ${batch.toFixed(1)} entries/checkpoint`,
      );
      if (r.ok === 0) throw new Error(r.firstFailure ?? 'no entry logged');
      const note =
        r.failed > 0 ? `${r.failed} failed: ${r.firstFailure ?? ''}`.slice(0, 200) : undefined;
      figures.push(
        rateFigure(`log_append_per_s_c${level}`, r.perSecond, boundMs, note),
        timeFigure(`log_append_p50_ms_c${level}`, 'ms', r.p50, boundMs),
        timeFigure(`log_append_p99_ms_c${level}`, 'ms', r.p99, boundMs),
        figure(`log_batch_mean_c${level}`, 'entries/checkpoint', batch),
        ...cpuFigures('log_append', `_c${level}`, used, r.ok, r.seconds, { log: boundMs }),
      );
      if (best === undefined || r.perSecond > best.r.perSecond) best = { level, r, batch, used };
    }
    const note = `best of concurrency ${levels.join('/')}: ${best!.level}`;
    figures.push(
      rateFigure('log_append_per_s', best!.r.perSecond, boundMs, note),
      timeFigure('log_append_p50_ms', 'ms', best!.r.p50, boundMs, note),
      timeFigure('log_append_p95_ms', 'ms', best!.r.p95, boundMs, note),
      timeFigure('log_append_p99_ms', 'ms', best!.r.p99, boundMs, note),
      figure('log_batch_mean', 'entries/checkpoint', best!.batch, note),
      ...cpuFigures('log_append', '', best!.used, best!.r.ok, best!.r.seconds, { log: boundMs }),
    );
  } catch (err) {
    figures.push(failed('log_append_per_s', 'ops/s', err), failed('log_append_p99_ms', 'ms', err));
  } finally {
    client.close();
  }
  return figures;
}
