// `npm run soak`: several writers under load (issue 19). Three log processes and two CA processes on
// one fresh database take a mixed load for SOAK_SECONDS (default 300) seconds; prints a table, writes
// bench/results/soak-latest.json, and exits 1 on any error, fork, lost entry, stopped process, or
// RSS growth of 10% or more after warm-up (the first 20% of the run). See bench/README.md.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { progress } from './support/figures';
import { runSoak, SOAK_DEFAULTS, type SoakResult } from './support/soak';
import { soakFailures } from './support/soak-record';

/** RSS growth after warm-up, per process, that fails a full run. */
const RSS_LIMIT = 0.1;

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function table(result: SoakResult): string {
  const lines = [
    `${'operation'.padEnd(18)}${'ok'.padStart(8)}${'/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}  statuses`,
  ];
  for (const o of result.ops)
    lines.push(
      `${o.op.padEnd(18)}${String(o.ok).padStart(8)}${o.perSecond.toFixed(1).padStart(8)}` +
        `${o.p50Ms.toFixed(1).padStart(9)}${o.p99Ms.toFixed(1).padStart(9)}  ${JSON.stringify(o.statuses)}`,
    );
  lines.push(
    '',
    `${'process (RSS MiB)'.padEnd(20)}${'warm'.padStart(8)}${'end'.padStart(8)}${'peak 1'.padStart(8)}${'peak 2'.padStart(8)}  growth`,
  );
  for (const r of result.rss)
    lines.push(
      `${r.name.padEnd(20)}${[r.warmKiB, r.endKiB, r.earlyPeakKiB, r.latePeakKiB].map((k) => (k / 1024).toFixed(1).padStart(8)).join('')}  ${(r.growth * 100).toFixed(1)}%`,
    );
  lines.push(
    '',
    `${'tree'.padEnd(10)}${'size'.padStart(8)}${'seen'.padStart(7)}${'stored'.padStart(8)}  acknowledged`,
  );
  for (const t of result.trees)
    lines.push(
      `${t.purpose.padEnd(10)}${String(t.treeSize).padStart(8)}${String(t.checkpointsSeen).padStart(7)}${String(t.checkpointsStored).padStart(8)}  ${t.acknowledged}`,
    );
  lines.push(
    '',
    `errors: ${result.errorCount}; requests resent after a keep-alive race: ${result.retriedResets}`,
    ...result.races.map((r) => `  ${r}`),
    `driver event-loop delay: p99 ${result.driverLoopDelayMs.p99.toFixed(0)} ms, max ${result.driverLoopDelayMs.max.toFixed(0)} ms`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const seconds = Number(process.env.SOAK_SECONDS ?? SOAK_DEFAULTS.seconds);
  if (!Number.isInteger(seconds) || seconds < 10)
    throw new Error(
      `SOAK_SECONDS must be a whole number of seconds, at least 10 (got ${process.env.SOAK_SECONDS})`,
    );
  const loadBefore = loadavg()[0]!;
  progress(`soak: ${seconds} s of mixed load, ${SOAK_DEFAULTS.concurrency} clients`);
  const result = await runSoak({ ...SOAK_DEFAULTS, seconds });
  const failures = soakFailures(result, RSS_LIMIT);
  const out = {
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadavg1mBefore: loadBefore,
      loadavg1mAfter: loadavg()[0]!,
    },
    date: new Date().toISOString(),
    commit: commit(),
    rssLimit: RSS_LIMIT,
    failures,
    ...result,
  };
  writeFileSync(
    join(__dirname, '../../bench/results/soak-latest.json'),
    `${JSON.stringify(out, null, 2)}\n`,
  );
  process.stdout.write(`${table(result)}\n`);
  if (failures.length > 0) {
    process.stdout.write(`FAILED:\n${failures.map((f) => `- ${f}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(2);
});
