// Throughput of the X.509 work a Signet CA does per signing request, and of chain verification.
// Run: npx swc libs bench -d dist --quiet && node dist/bench/x509.js [--quick]
import type { KeyObject } from 'node:crypto';
import {
  buildLeaf,
  FulcioOid,
  parseCertificate,
  precertEntry,
  signSct,
  verifyChain,
  type LeafCertificateRequest,
  type SignedCertificateTimestamp,
} from '@app/signing/x509';
import { generateKeyPair, testPki, testSigner } from '@app/signing/x509/testing';

/** One benchmark figure. */
export interface BenchResult {
  id: string;
  unit: string;
  value: number;
}

/** Runs `op` repeatedly for about `seconds` and returns operations per second. */
async function opsPerSecond(seconds: number, op: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < 200; i++) await op(i); // warm-up (JIT, lazy module state)
  let count = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    await op(count++);
    elapsed = process.hrtime.bigint() - start;
  }
  return count / (Number(elapsed) / 1e9);
}

/**
 * Measures, with a P-256 intermediate held by a Node KeyObject signer and passed pre-parsed:
 * leaf build (CT off: one signature; subject keys generated beforehand and not timed),
 * precertificate + final certificate (two signatures, SCT prepared beforehand), SCT signing by a
 * P-256 log, and chain verification (leaf → intermediate → root) from DER and with the CA
 * certificates pre-parsed. Returns ops/sec for each.
 */
export async function runX509Bench(opts: { quick: boolean }): Promise<BenchResult[]> {
  const seconds = opts.quick ? 0.3 : 2;
  const now = new Date();
  const pki = await testPki({ now, root: 'ecdsa-p256-sha256', intermediate: 'ecdsa-p256-sha256' });
  const keys: KeyObject[] = Array.from(
    { length: 256 },
    () => generateKeyPair('ecdsa-p256-sha256').publicKey,
  );
  // The CA parses its own certificate once at startup and passes it parsed.
  const issuer = parseCertificate(pki.intermediate);
  const cas = { intermediates: [issuer], roots: [parseCertificate(pki.root)] };
  const request = (i: number): LeafCertificateRequest => ({
    issuer,
    issuerSigner: pki.intermediateSigner,
    subjectPublicKey: keys[i % keys.length]!,
    subjectAltName: {
      type: 'uri',
      value: 'https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main',
    },
    extensions: {
      [FulcioOid.issuer]: 'https://token.actions.githubusercontent.com',
      [FulcioOid.issuerV2]: 'https://token.actions.githubusercontent.com',
      [FulcioOid.buildSignerUri]:
        'https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main',
      [FulcioOid.sourceRepositoryUri]: 'https://github.com/org/repo',
      [FulcioOid.runnerEnvironment]: 'github-hosted',
    },
    notBefore: now,
    notAfter: new Date(now.getTime() + 600_000),
  });
  const log = testSigner('ecdsa-p256-sha256');
  const template = buildLeaf(request(0));
  const entry = precertEntry(await template.precertificate(), pki.intermediate);
  const sct: SignedCertificateTimestamp = await signSct(log, {
    timestamp: BigInt(now.getTime()),
    entry,
  });
  const leaf = await template.certificate([sct]);
  const at = new Date(now.getTime() + 1000);

  const leafBuild = await opsPerSecond(seconds, (i) => buildLeaf(request(i)).certificate());
  const embedded = await opsPerSecond(seconds, async (i) => {
    const t = buildLeaf(request(i));
    await t.precertificate();
    return t.certificate([sct]);
  });
  const sctSign = await opsPerSecond(seconds, () =>
    signSct(log, { timestamp: BigInt(Date.now()), entry }),
  );
  const chain = await opsPerSecond(seconds, () =>
    verifyChain(leaf, [pki.intermediate], [pki.root], at),
  );
  const chainParsed = await opsPerSecond(seconds, () =>
    verifyChain(leaf, cas.intermediates, cas.roots, at),
  );
  return [
    { id: 'x509.leaf.build', unit: 'ops/s', value: leafBuild },
    { id: 'x509.leaf.precert_and_final', unit: 'ops/s', value: embedded },
    { id: 'x509.sct.sign', unit: 'ops/s', value: sctSign },
    { id: 'x509.chain.verify', unit: 'ops/s', value: chain },
    { id: 'x509.chain.verify_preparsed_cas', unit: 'ops/s', value: chainParsed },
  ];
}

if (require.main === module) {
  runX509Bench({ quick: process.argv.includes('--quick') })
    .then((results) => {
      for (const r of results)
        console.log(`${r.id.padEnd(30)} ${r.value.toFixed(0).padStart(8)} ${r.unit}`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
