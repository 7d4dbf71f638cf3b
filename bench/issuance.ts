// Issuance: concurrent clients calling POST /api/v2/signingCert, each request with a fresh P-256
// key and its proof of possession (a signature over the token's email), against the CT-off and the
// CT-on CA. Keys, proofs and tokens are made before the clock starts.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { cryptoTimeMs, type CryptoCosts, rateFigure, timeFigure } from './bounds';
import { type CpuCounters, cpuFigures, startCpu } from './support/cpu';
import { failed, type Figure, progress } from './support/figures';
import { type Call, describeLoad, HttpClient, type LoadResult, runLoad } from './support/load';
import { BENCH_EMAIL, type BenchStack, benchToken } from './support/stack';

export interface IssuanceOptions {
  quick: boolean;
}

const PATH = '/api/v2/signingCert';
/** At most this many requests are prepared per level (a level may end early when they run out). */
const MAX_POOL = 20_000;

/** A signingCert request body for `token` with a fresh P-256 key and its proof of possession. */
export function signingCertRequest(token: string): { body: Buffer; privateKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const proof = sign('sha256', Buffer.from(BENCH_EMAIL), { key: privateKey, dsaEncoding: 'der' });
  const body = Buffer.from(
    JSON.stringify({
      credentials: { oidcIdentityToken: token },
      publicKeyRequest: {
        publicKey: {
          algorithm: 'ECDSA',
          content: publicKey.export({ type: 'spki', format: 'pem' }),
        },
        proofOfPossession: proof.toString('base64'),
      },
    }),
  );
  return { body, privateKey };
}

/** `count` signingCert requests, each with its own key; tokens are shared among them. */
export async function signingCertRequests(stack: BenchStack, count: number): Promise<Buffer[]> {
  const tokens = await Promise.all(
    Array.from({ length: 16 }, (_, i) => benchToken(stack, `bench-${i}`)),
  );
  return Array.from(
    { length: count },
    (_, i) => signingCertRequest(tokens[i % tokens.length]!).body,
  );
}

/** Issues one certificate; returns the PEM chain, or throws with the CA's answer. */
export async function issueOne(client: HttpClient, body: Buffer): Promise<string[]> {
  const reply = await client.send({ method: 'POST', path: PATH, body });
  if (reply.status !== 201)
    throw new Error(`HTTP ${reply.status}: ${reply.body.toString().slice(0, 300)}`);
  const answer = JSON.parse(reply.body.toString()) as {
    signedCertificateEmbeddedSct: { chain: { certificates: string[] } };
  };
  return answer.signedCertificateEmbeddedSct.chain.certificates;
}

/** Certificates/s and latency percentiles, CT off and CT on, at a few concurrency levels. */
export async function runIssuanceBench(
  stack: BenchStack,
  costs: CryptoCosts,
  opts: IssuanceOptions,
): Promise<Figure[]> {
  const levels = opts.quick ? [32] : [8, 32, 128];
  const durationMs = opts.quick ? 3_000 : 5_000;
  const figures: Figure[] = [];
  for (const [name, url, ct] of [
    ['ct_off', stack.caUrl, false],
    ['ct_on', stack.caCtUrl, true],
  ] as const) {
    const id = `issuance_${name}`;
    const client = new HttpClient(url);
    const { cpu } = stack;
    const counters: CpuCounters = ct
      ? { ca: cpu.caCt!, log: cpu.log!, postgres: cpu.postgres!, client: cpu.client! }
      : { ca: cpu.ca!, postgres: cpu.postgres!, client: cpu.client! };
    try {
      try {
        await issueOne(client, (await signingCertRequests(stack, 1))[0]!);
      } catch (err) {
        progress(`issuance (${name}) unavailable: ${(err as Error).message}`);
        figures.push(failed(`${id}_per_s`, 'ops/s', err), failed(`${id}_p99_ms`, 'ms', err));
        continue;
      }
      // Warm-up (JIT, connection pools), not counted; its rate sizes the pools of requests.
      const warm = await signingCertRequests(stack, 100);
      const warmed = await runLoad({
        client,
        concurrency: 8,
        call: (i) => ({ method: 'POST', path: PATH, body: warm[i]! }),
        expect: 201,
        count: warm.length,
      });
      const perLevel = Math.min(
        MAX_POOL,
        Math.ceil(3 * warmed.perSecond * (durationMs / 1000)) + 200,
      );
      let best: { level: number; r: LoadResult; used: Record<string, number> } | undefined;
      const boundMs = cryptoTimeMs.issuance(costs, ct);
      for (const level of levels) {
        progress(`issuance (${name}): preparing ${perLevel} keys and proofs`);
        const bodies = await signingCertRequests(stack, perLevel);
        const call = (i: number): Call => ({ method: 'POST', path: PATH, body: bodies[i]! });
        const meter = startCpu(counters);
        const r = await runLoad({
          client,
          concurrency: level,
          call,
          expect: 201,
          count: bodies.length,
          durationMs,
        });
        const used = meter();
        progress(describeLoad(`issuance ${name} c=${level}`, r));
        if (r.ok === 0) throw new Error(r.firstFailure ?? 'no certificate issued');
        const note = failures(r);
        figures.push(
          rateFigure(`${id}_per_s_c${level}`, r.perSecond, boundMs, note),
          timeFigure(`${id}_p50_ms_c${level}`, 'ms', r.p50, boundMs),
          timeFigure(`${id}_p99_ms_c${level}`, 'ms', r.p99, boundMs),
          ...cpuFigures(id, `_c${level}`, used, r.ok, r.seconds, { ca: boundMs }),
        );
        if (best === undefined || r.perSecond > best.r.perSecond) best = { level, r, used };
      }
      const note = `best of concurrency ${levels.join('/')}: ${best!.level}`;
      figures.push(
        rateFigure(`${id}_per_s`, best!.r.perSecond, boundMs, note),
        timeFigure(`${id}_p50_ms`, 'ms', best!.r.p50, boundMs, note),
        timeFigure(`${id}_p95_ms`, 'ms', best!.r.p95, boundMs, note),
        timeFigure(`${id}_p99_ms`, 'ms', best!.r.p99, boundMs, note),
        ...cpuFigures(id, '', best!.used, best!.r.ok, best!.r.seconds, { ca: boundMs }),
      );
    } catch (err) {
      figures.push(failed(`${id}_per_s`, 'ops/s', err), failed(`${id}_p99_ms`, 'ms', err));
    } finally {
      client.close();
    }
  }
  return figures;
}

function failures(r: LoadResult): string | undefined {
  return r.failed > 0 ? `${r.failed} failed: ${r.firstFailure ?? ''}`.slice(0, 200) : undefined;
}
