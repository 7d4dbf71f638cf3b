// `signet log audit` time per million entries (issue 19): the bench stack's Rekor v1 tree
// bulk-loaded to N entries (the log's own integration in batches of 4096, one signed checkpoint
// each: BulkLoader), then the audit of that tree run in this process through the CLI's `run()`,
// as `signet log audit --log v1` would: over HTTP alone, then with --database (every row and
// stored checkpoint compared too), then resumed from its state after 1% more entries. Measured at
// N itself, not scaled from a smaller tree. Run alone: `npm run build && node
// dist/bench/log-audit.js [--quick] [--size N]` (default 1,000,000; quick 100,000); writes
// bench/results/log-audit-latest.json.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@app/platform';
import type { CliContext } from '../apps/cli/src/cli/context';
import { run } from '../apps/cli/src/main';
import { issueSigners } from './logging';
import { BulkLoader } from './support/bulk-load';
import { startCpu } from './support/cpu';
import { figure, type Figure, progress } from './support/figures';
import { startBenchStack } from './support/stack';

interface Report {
  verified: boolean;
  logs: Array<{ treeSize: string; resumedFrom: string; checkpointsChecked: number }>;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const sizeArg = process.argv.indexOf('--size');
  const size = sizeArg > 0 ? Number(process.argv[sizeArg + 1]) : quick ? 100_000 : 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'signet-bench-audit-'));
  const stack = await startBenchStack({ workers: 2 });
  try {
    const loader = await BulkLoader.open(stack, await issueSigners(stack, stack.caUrl, 4));
    progress(`log audit: bulk loading the log to ${size} entries`);
    const loadRate = await loader.grow(size);
    const trustedRoot = join(dir, 'trusted_root.json');
    writeFileSync(trustedRoot, await (await fetch(`${stack.caUrl}/api/v1/trustedRoot`)).text());
    const state = join(dir, 'state.json');
    const database = loadConfig(stack.logEnv).databaseUrl!;
    const audit = async (name: string, ...args: string[]) => {
      const out: string[] = [];
      const ctx: CliContext = {
        env: {},
        print: (line) => void out.push(line),
        status: (line) => progress(`${name}: ${line}`),
        fetch: globalThis.fetch,
      };
      const cpu = startCpu(stack.cpu);
      const started = performance.now();
      const argv = ['log', 'audit', '--log', 'artifact', '--json', '--trusted-root', trustedRoot];
      const code = await run([...argv, '--log-url', stack.logUrl, ...args], ctx);
      const seconds = (performance.now() - started) / 1000;
      const report = JSON.parse(out.join('\n')) as Report;
      if (code !== 0 || !report.verified)
        throw new Error(`${name}: exit ${code}: ${out.join('\n')}`);
      return { seconds, cpu: cpu(), log: report.logs[0]! };
    };

    const http = await audit('http', '--state', state);
    const withDb = await audit('database', '--database', database);
    const more = Math.max(1, Math.round(size / 100));
    await loader.grow(size + more);
    const resumed = await audit('resumed', '--state', state);
    await loader.close();
    if (resumed.log.resumedFrom !== String(size)) throw new Error('the third run did not resume');

    const perMillion = (s: number) => (s * 1_000_000) / size;
    const cpuNote = (cpu: Record<string, number>) =>
      Object.entries(cpu)
        .filter(([k]) => k === 'log' || k === 'postgres' || k === 'client')
        .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`)
        .join(', ');
    const figures: Figure[] = [
      figure('log_audit_bulk_load_per_s', 'ops/s', loadRate),
      figure(
        'log_audit_http_s_per_million',
        's',
        perMillion(http.seconds),
        `${size} entries in ${http.seconds.toFixed(1)} s, ${http.log.checkpointsChecked} checkpoints; CPU ${cpuNote(http.cpu)}`,
      ),
      figure(
        'log_audit_database_s_per_million',
        's',
        perMillion(withDb.seconds),
        `${size} entries in ${withDb.seconds.toFixed(1)} s, ${withDb.log.checkpointsChecked} checkpoints (every stored one); CPU ${cpuNote(withDb.cpu)}`,
      ),
      figure(
        'log_audit_resumed_s',
        's',
        resumed.seconds,
        `${more} new entries on a tree of ${size}, from the saved state`,
      ),
    ];
    const result = { date: new Date().toISOString(), size, figures };
    writeFileSync(
      join(__dirname, '../../bench/results/log-audit-latest.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    for (const f of figures) process.stdout.write(`${f.id.padEnd(36)} ${f.value} ${f.unit}\n`);
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
