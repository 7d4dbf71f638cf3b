// Several writers under load (issue 19): three log processes and two CA processes on one database,
// a fixed number of clients each drawing its next operation from a weighted mix (issuance with CT,
// Rekor v1 hashedrekord and dsse appends, Rekor v2 appends, reads, proofs), and an admin changing
// the IAM rules every few seconds through either CA. Every app's RSS is sampled as it runs; at the
// end the trees are checked for forks and lost entries (soak-checks.ts). Used by `npm run soak`
// (bench/soak.ts) and, shorter, by test/soak.e2e-spec.ts.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { issueSigners } from '../logging';
import { progress, sampler } from './figures';
import { HttpClient } from './load';
import { checkTrees, type TreeReport } from './soak-checks';
import { SOAK_OPS, type SoakTarget } from './soak-ops';
import {
  type OpSummary,
  type RssGrowth,
  rssGrowth,
  type RssSamples,
  sampleRss,
  SoakRecord,
} from './soak-record';
import { type BenchStack, benchEditorToken, benchToken, startBenchStack } from './stack';

export interface SoakOptions {
  /** How long the mixed load runs. */
  seconds: number;
  /** Clients, each sending its next request when the previous answer is in. */
  concurrency: number;
  /** RSS sampling period. */
  sampleEveryMs: number;
  /** Period of the admin's rule changes. */
  adminEveryMs: number;
  /** The share of the run before the RSS baseline is taken. */
  warmupFraction: number;
}

export const SOAK_DEFAULTS: SoakOptions = {
  seconds: 300,
  concurrency: 16,
  sampleEveryMs: 5_000,
  adminEveryMs: 3_000,
  warmupFraction: 0.2,
};

export interface SoakResult {
  options: SoakOptions;
  /** Wall-clock seconds of the load. */
  seconds: number;
  processes: { logs: number; cas: number };
  /** Every operation of the mix, and the admin's `admin_rule`. */
  opNames: string[];
  ops: OpSummary[];
  errorCount: number;
  /** Requests sent again after a keep-alive race (HttpClient.send), not counted as errors. */
  retriedResets: number;
  /** The first few of those, with how long their socket had been idle. */
  races: string[];
  /** This driver's event-loop delay during the load (ms): how late its timers could fire. */
  driverLoopDelayMs: { p99: number; max: number };
  /** The first errors: unexpected statuses, failed checks, forks, lost entries. */
  errors: string[];
  trees: TreeReport[];
  rss: RssGrowth[];
  rssSamples: RssSamples;
  /** Per app: its log lines at level error or fatal, and whether it was still running. */
  apps: Array<{ name: string; errorLines: string[]; running: boolean }>;
}

/** Starts the stack, runs the load, checks the trees, stops the stack. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const stack = await startBenchStack({
    policySource: 'database',
    logProcesses: 3,
    ctOnBothCas: true,
  });
  const logs = stack.logUrls.map((u) => new HttpClient(u));
  const cas = [stack.caUrl, stack.caCtUrl].map((u) => new HttpClient(u));
  try {
    const record = new SoakRecord();
    const target: SoakTarget = {
      logs,
      cas,
      signers: await issueSigners(stack, stack.caUrl, 4),
      token: tokens(stack),
      record,
      run: Date.now().toString(36),
      random: sampler(19),
      v1: [],
    };
    const editor = await benchEditorToken(stack, 'soak-editor');
    const draw = opTable();
    const rss = sampleRss(
      stack.apps.map(({ name, pid }) => ({ name, pid })),
      options.sampleEveryMs,
    );
    progress(`mixed load: ${options.concurrency} clients for ${options.seconds} s`);
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    const started = performance.now();
    const deadline = Date.now() + options.seconds * 1000;
    let next = 0;
    const client = async () => {
      for (let i = next++; Date.now() < deadline; i = next++) {
        const op = draw[target.random(draw.length)]!;
        await SOAK_OPS[op]!.run(target, i).catch((err: unknown) =>
          record.error(`${op}: ${(err as Error).stack ?? String(err)}`),
        );
      }
    };
    await Promise.all([
      ...Array.from({ length: options.concurrency }, client),
      changeRules(stack, editor, record, deadline, options.adminEveryMs),
    ]);
    const seconds = (performance.now() - started) / 1000;
    loopDelay.disable();
    rss.stop();
    progress(`load done (${record.errorCount} errors); checking the trees`);
    const trees = await checkTrees(stack.db, logs, record);
    return {
      options,
      seconds,
      processes: { logs: stack.logUrls.length, cas: cas.length },
      opNames: [...Object.keys(SOAK_OPS), 'admin_rule'],
      ops: record.summary(seconds),
      errorCount: record.errorCount,
      retriedResets: [...logs, ...cas].reduce((n, c) => n + c.retriedResets, 0),
      races: [...logs, ...cas].flatMap((c) => c.races),
      driverLoopDelayMs: {
        p99: loopDelay.percentile(99) / 1e6,
        max: loopDelay.max / 1e6,
      },
      errors: record.errors,
      trees,
      rss: rssGrowth(rss.samples, options.seconds * options.warmupFraction),
      rssSamples: rss.samples,
      apps: stack.apps.map((a) => ({
        name: a.name,
        errorLines: errorLines(a.logFile),
        running: !a.exited(),
      })),
    };
  } finally {
    for (const c of [...logs, ...cas]) c.close();
    await stack.stop();
  }
}

/** Op names repeated by weight: a uniform draw from it is the weighted mix. */
function opTable(): string[] {
  return Object.entries(SOAK_OPS).flatMap(([name, op]) =>
    Array.from({ length: op.weight }, () => name),
  );
}

/** ID tokens for the bench identity, minted again every 5 minutes (they live 15). */
function tokens(stack: BenchStack): () => Promise<string> {
  let minted: { at: number; tokens: Promise<string[]> } | undefined;
  let n = 0;
  return async () => {
    if (minted === undefined || Date.now() - minted.at > 300_000) {
      const batch = Array.from({ length: 8 }, (_, k) => benchToken(stack, `soak-${k}`));
      minted = { at: Date.now(), tokens: Promise.all(batch) };
    }
    const list = await minted.tokens;
    return list[n++ % list.length]!;
  };
}

/**
 * Until `deadline`, every `everyMs`: through each CA in turn, creates a rule, or deletes the one
 * it created last, against the version the previous change returned (If-Match).
 */
async function changeRules(
  stack: BenchStack,
  token: string,
  record: SoakRecord,
  deadline: number,
  everyMs: number,
): Promise<void> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const policy = await fetch(`${stack.caUrl}/api/admin/v1/policy`, { headers });
  let etag = policy.headers.get('etag') ?? '';
  let made: string | undefined;
  for (let n = 0; Date.now() + everyMs < deadline; n++) {
    await new Promise((r) => setTimeout(r, everyMs));
    const ca = n % 2 === 0 ? stack.caUrl : stack.caCtUrl;
    const started = process.hrtime.bigint();
    const [url, init, expected] =
      made === undefined
        ? [
            `${ca}/api/admin/v1/rules`,
            {
              method: 'POST',
              body: JSON.stringify({
                reason: `soak change ${n}`,
                rule: {
                  name: `soak-${n}`,
                  issuer: stack.issuer.url,
                  subject: `soak${n}@signet.example`,
                },
              }),
            },
            201,
          ]
        : [`${ca}/api/admin/v1/rules/${made}?reason=soak+change+${n}`, { method: 'DELETE' }, 200];
    try {
      const res = await fetch(url, { ...init, headers: { ...headers, 'if-match': etag } });
      const text = await res.text();
      if (record.answer('admin_rule', res.status, started, expected, `${url}: ${text}`)) {
        etag = res.headers.get('etag') ?? '';
        made = made === undefined ? `soak-${n}` : undefined;
      }
    } catch (err) {
      record.answer('admin_rule', 'network error', started, expected, (err as Error).message);
    }
  }
}

/** The app's log lines at pino level error (50) or fatal (60), at most five. */
function errorLines(logFile: string): string[] {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.includes('"level":50') || l.includes('"level":60'))
    .slice(0, 5)
    .map((l) => l.slice(0, 400));
}
