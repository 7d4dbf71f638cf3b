// Rekor v2 appends and TSA timestamps (issue 16), beside the v1 figures: hashedRekordRequestV002
// entries signed with certificates the CA issued, POSTed to /api/v2/log/entries by concurrent
// clients; sigstore-js's JSON timestamp requests POSTed to the CA's /api/v1/timestamp.
import { createHash, randomBytes, sign } from 'node:crypto';
import { certificatesFromPem } from '@app/signing';
import { cryptoTimeMs, type CryptoCosts, rateFigure, timeFigure } from './bounds';
import { type BenchSigner, issueSigners } from './logging';
import { progress, type Figure } from './support/figures';
import { type Call, describeLoad, HttpClient, runLoad } from './support/load';
import type { BenchStack } from './support/stack';

export interface RekorV2TsaOptions {
  quick: boolean;
}

/** A Rekor v2 request as sigstore-js and sigstore-go send it: the certificate as DER. */
export function hashedRekordV002Request(signer: BenchSigner, artifact: Buffer): Buffer {
  const der = certificatesFromPem(signer.certificatePem)[0]!;
  return Buffer.from(
    JSON.stringify({
      hashedRekordRequestV002: {
        digest: createHash('sha256').update(artifact).digest('base64'),
        signature: {
          content: sign('sha256', artifact, signer.privateKey).toString('base64'),
          verifier: {
            x509Certificate: { rawBytes: Buffer.from(der).toString('base64') },
            keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          },
        },
      },
    }),
  );
}

/** v2 entries/s and latency at the v1 bench's concurrency levels, then TSA timestamps/s. */
export async function runRekorV2TsaBench(
  stack: BenchStack,
  costs: CryptoCosts,
  opts: RekorV2TsaOptions,
): Promise<Figure[]> {
  const levels = opts.quick ? [16, 64] : [16, 64, 256];
  const durationMs = opts.quick ? 5_000 : 30_000;
  const figures: Figure[] = [];
  const log = new HttpClient(stack.logUrl);
  const ca = new HttpClient(stack.caUrl);
  try {
    const signers = await issueSigners(stack, stack.caUrl, 8);
    const run = Date.now().toString(36);
    const entries =
      (label: string) =>
      (i: number): Call => ({
        method: 'POST',
        path: '/api/v2/log/entries',
        body: hashedRekordV002Request(
          signers[i % signers.length]!,
          Buffer.from(`signet bench v2 artifact ${run} ${label} ${i}`),
        ),
      });
    await runLoad({
      client: log,
      concurrency: 16,
      call: entries('warm'),
      expect: 201,
      durationMs: 1_000,
    });
    // No SET: the entry signature and the chain (3 verifications); the checkpoint is per batch.
    const v2Bound = cryptoTimeMs.logAppend(costs) - costs.signMs;
    for (const level of levels) {
      const r = await runLoad({
        client: log,
        concurrency: level,
        call: entries(`c${level}`),
        expect: 201,
        durationMs,
      });
      progress(describeLoad(`rekor v2 append c=${level}`, r));
      if (r.ok === 0) throw new Error(r.firstFailure ?? 'no v2 entry logged');
      figures.push(
        rateFigure(`log_v2_append_per_s_c${level}`, r.perSecond, v2Bound),
        timeFigure(`log_v2_append_p50_ms_c${level}`, 'ms', r.p50, v2Bound),
        timeFigure(`log_v2_append_p99_ms_c${level}`, 'ms', r.p99, v2Bound),
      );
    }
    const timestamp = (): Call => ({
      method: 'POST',
      path: '/api/v1/timestamp',
      body: Buffer.from(
        JSON.stringify({
          artifactHash: createHash('sha256').update(randomBytes(32)).digest('base64'),
          hashAlgorithm: 'sha256',
        }),
      ),
    });
    // One ECDSA signature per token (the SHA-256s are negligible).
    for (const level of opts.quick ? [16] : [16, 64]) {
      const r = await runLoad({
        client: ca,
        concurrency: level,
        call: timestamp,
        expect: 200,
        durationMs,
      });
      progress(describeLoad(`tsa timestamp c=${level}`, r));
      if (r.ok === 0) throw new Error(r.firstFailure ?? 'no timestamp issued');
      figures.push(
        rateFigure(`tsa_timestamps_per_s_c${level}`, r.perSecond, costs.signMs),
        timeFigure(`tsa_timestamp_p50_ms_c${level}`, 'ms', r.p50, costs.signMs),
        timeFigure(`tsa_timestamp_p99_ms_c${level}`, 'ms', r.p99, costs.signMs),
      );
    }
    return figures;
  } finally {
    log.close();
    ca.close();
  }
}
