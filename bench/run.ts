// `npm run bench [-- --quick] [-- --profile]`: measures the machine's crypto limits, starts the
// whole stack (embedded Postgres, log, CA with CT off and on), runs every section against it,
// stops it, prints a table and writes bench/results/latest.json. See bench/README.md.
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { costsFrom, cryptoTimeMs, rateFigure, timeFigure } from './bounds';
import { runIssuanceBench } from './issuance';
import { issueSigners, runLoggingBench } from './logging';
import { runMerkleBench } from './merkle';
import { runProofsBench } from './proofs';
import { runRekorV2TsaBench } from './rekor-v2-tsa';
import { measureOpsPerSecond, runSigningBench } from './signing';
import { summariseProfile } from './support/cpu-profile';
import { type BenchResult, figure, type Figure, progress, round } from './support/figures';
import { startBenchStack } from './support/stack';
import { runVerifyBench } from './verify';
import { runX509Bench } from './x509';

const RESULTS = join(__dirname, '../../bench/results');

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const profile = process.argv.includes('--profile');
  const started = Date.now();
  // Other work on the machine lowers every figure: the load average is recorded with them.
  const loadBefore = loadavg()[0]!;

  // The machine's limits first, while nothing else runs.
  progress('machine limits: P-256, SHA-256, Merkle, X.509');
  const signing = await runSigningBench({ quick });
  // One repetition of the Merkle and X.509 library benches in both modes, to fit the time budget;
  // `node dist/bench/merkle.js` gives the best-of-3 figures.
  const merkle = await runMerkleBench({ quick: true, minimal: quick });
  const x509 = await runX509Bench({ quick: true });
  const costs = costsFrom([...signing, ...merkle]);
  const figures: Figure[] = [...machineFigures(signing, merkle, x509, costs)];

  const profileDir = profile ? mkdtempSync(join(tmpdir(), 'signet-profile-')) : undefined;
  // As deployed on this machine: one process per core for each app (profiles: one process).
  const workers = profileDir === undefined ? availableParallelism() : 1;
  const stack = await startBenchStack({ profileDir, workers });
  try {
    figures.push(...(await runIssuanceBench(stack, costs, { quick: quick || profile })));
    if (!profile) {
      const signers = await issueSigners(stack, stack.caUrl, 8);
      figures.push(...(await runProofsBench(stack, costs, signers, { quick })));
    }
    figures.push(...(await runLoggingBench(stack, costs, { quick: quick || profile })));
    if (!profile) figures.push(...(await runRekorV2TsaBench(stack, costs, { quick })));
    if (!profile) figures.push(...(await runVerifyBench(stack, costs, { quick })));
  } finally {
    progress('stopping the stack');
    await stack.stop();
  }
  figures.push(...(await cryptoAgain()));

  printTable(figures);
  mkdirSync(RESULTS, { recursive: true });
  if (profileDir !== undefined) {
    const text = readdirSync(profileDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => `## ${f}\n\n\`\`\`\n${summariseProfile(join(profileDir, f))}\n\`\`\`\n`)
      .join('\n');
    writeFileSync(
      join(RESULTS, 'profile.md'),
      `# CPU profiles (${new Date().toISOString()})\n\n${text}`,
    );
    process.stdout.write(
      `\n${text}\nsummary in bench/results/profile.md; profiles (for Chrome DevTools) in ${profileDir}\n`,
    );
  } else {
    const result = {
      machine: {
        cpus: cpus().length,
        appWorkers: workers,
        model: cpus()[0]?.model ?? 'unknown',
        memory: totalmem(),
        node: process.version,
        loadavg1mBefore: round(loadBefore),
        loadavg1mAfter: round(loadavg()[0]!),
      },
      date: new Date().toISOString(),
      commit: commit(),
      mode: quick ? 'quick' : 'full',
      durationSeconds: Math.round((Date.now() - started) / 1000),
      figures,
    };
    writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`\nwritten to bench/results/latest.json\n`);
  }
  progress(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** The limits themselves (no bound), the Merkle and X.509 library figures, with bounds where one applies. */
function machineFigures(
  signing: BenchResult[],
  merkle: BenchResult[],
  x509: BenchResult[],
  costs: ReturnType<typeof costsFrom>,
): Figure[] {
  const out: Figure[] = [];
  for (const r of [...signing, ...merkle, ...x509]) {
    if (r.id === 'merkle_root_1e6_s') {
      out.push(timeFigure(r.id, 's', r.value, cryptoTimeMs.merkleRoot(costs, 1e6) / 1000));
    } else if (r.id === 'inclusion_verify_per_s_1e6') {
      // 20 interior hashes for a proof in a tree of 10^6 leaves.
      out.push(rateFigure(r.id, r.value, 20 * costs.sha256Ms));
    } else {
      out.push(figure(r.id, r.unit, r.value));
    }
  }
  return out;
}

/**
 * P-256 sign and verify again after the stack has stopped: a large gap to the figures taken at the
 * start means something else loaded the machine during the run.
 */
async function cryptoAgain(): Promise<Figure[]> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const message = Buffer.alloc(100, 0x62);
  const signature = sign('sha256', message, privateKey);
  return [
    figure(
      'crypto_p256_sign_per_s_end',
      'ops/s',
      await measureOpsPerSecond(() => sign('sha256', message, privateKey), 500),
    ),
    figure(
      'crypto_p256_verify_per_s_end',
      'ops/s',
      await measureOpsPerSecond(() => verify('sha256', message, publicKey, signature), 500),
    ),
  ];
}

function printTable(figures: readonly Figure[]): void {
  const cell = (v: number | null) => (v === null ? '-' : String(v));
  const lines = figures.map((f) =>
    [
      f.id.padEnd(42),
      (f.value === null ? 'ERROR' : String(f.value)).padStart(12),
      f.unit.padEnd(18),
      cell(f.bound).padStart(10),
      cell(f.ratio).padStart(7),
      ` ${f.error ?? f.note ?? ''}`,
    ].join(' '),
  );
  const head = `${'id'.padEnd(42)} ${'value'.padStart(12)} ${'unit'.padEnd(18)} ${'bound'.padStart(10)} ${'ratio'.padStart(7)}  note`;
  process.stdout.write(`\n${head}\n${'-'.repeat(head.length + 20)}\n${lines.join('\n')}\n`);
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
