// Verification: bundles made by stock @sigstore/sign against the running stack (FulcioSigner on
// the CT-on CA, RekorWitness on the log), verified in this process by @sigstore/verify with
// nothing but the instance's trusted root. Single-threaded bundles/s.
import { type Bundle } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { FulcioSigner, MessageSignatureBundleBuilder, RekorWitness } from '@sigstore/sign';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { cryptoTimeMs, type CryptoCosts, rateFigure } from './bounds';
import { failed, type Figure, progress } from './support/figures';
import { HttpClient } from './support/load';
import { BENCH_EMAIL, type BenchStack, benchToken } from './support/stack';

export interface VerifyOptions {
  quick: boolean;
}

interface Signed {
  bundle: Bundle;
  data: Buffer;
}

async function makeBundles(stack: BenchStack, caUrl: string, count: number): Promise<Signed[]> {
  const builder = new MessageSignatureBundleBuilder({
    signer: new FulcioSigner({
      fulcioBaseURL: caUrl,
      identityProvider: { getToken: () => benchToken(stack) },
    }),
    witnesses: [new RekorWitness({ rekorBaseURL: stack.logUrl, fetchOnConflict: true })],
  });
  const run = Date.now().toString(36);
  const signed: Signed[] = [];
  for (let i = 0; i < count; i++) {
    const data = Buffer.from(`signet bench verified artifact ${run} ${i}`);
    signed.push({ bundle: await builder.create({ data }), data });
  }
  return signed;
}

/** Verifies the bundles round robin for `durationMs`; returns bundles/s. */
function verifyRate(
  verifier: Verifier,
  signed: Signed[],
  issuer: string,
  durationMs: number,
): number {
  const policy = { subjectAlternativeName: BENCH_EMAIL, extensions: { issuer } };
  // Every bundle must verify before any is timed (and this warms the JIT).
  for (const { bundle, data } of signed) verifier.verify(toSignedEntity(bundle, data), policy);
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (const { bundle, data } of signed) verifier.verify(toSignedEntity(bundle, data), policy);
    count += signed.length;
    now = process.hrtime.bigint();
  }
  return count / (Number(now - start) / 1e9);
}

export async function runVerifyBench(
  stack: BenchStack,
  costs: CryptoCosts,
  opts: VerifyOptions,
): Promise<Figure[]> {
  const count = opts.quick ? 10 : 40;
  const durationMs = opts.quick ? 2_000 : 5_000;
  const client = new HttpClient(stack.caUrl, 1);
  const figures: Figure[] = [];
  try {
    const root = await client.getJson<Record<string, unknown>>('/api/v1/trustedRoot');
    const material = toTrustMaterial(TrustedRoot.fromJSON(root));
    try {
      progress(`verify: signing ${count} bundles with @sigstore/sign (CA with CT on)`);
      const signed = await makeBundles(stack, stack.caCtUrl, count);
      const rate = verifyRate(new Verifier(material), signed, stack.issuer.url, durationMs);
      figures.push(
        rateFigure('verify_bundles_per_s', rate, cryptoTimeMs.verifyBundle(costs, true)),
      );
    } catch (err) {
      progress(`verify with SCTs unavailable: ${(err as Error).message}`);
      figures.push(failed('verify_bundles_per_s', 'ops/s', err));
      // Still measure the rest of verification: certificates without SCTs, ctlogThreshold 0.
      const signed = await makeBundles(stack, stack.caUrl, count);
      const verifier = new Verifier(material, { ctlogThreshold: 0 });
      const rate = verifyRate(verifier, signed, stack.issuer.url, durationMs);
      figures.push(
        rateFigure(
          'verify_bundles_per_s_no_sct',
          rate,
          cryptoTimeMs.verifyBundle(costs, false),
          'CT-off certificates, ctlogThreshold 0',
        ),
      );
    }
  } catch (err) {
    figures.push(failed('verify_bundles_per_s_no_sct', 'ops/s', err));
  } finally {
    client.close();
  }
  return figures;
}
