// Rule-change latency across CA processes (issue 17): two built CAs (each CA_WORKERS processes) on
// one database with `policy.source: database`; an editor token creates a rule through CA A (the
// change is signed, committed to the log and stored before A answers), and CA B is polled until it
// decides by the new version. Run alone: `npm run build && node dist/bench/policy-propagation.js
// [--quick]`; writes bench/results/policy-propagation-latest.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { figure, type Figure, percentile, progress, sorted } from './support/figures';
import { benchEditorToken, startBenchStack } from './support/stack';

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const rounds = quick ? 10 : 60;
  const workers = 2;
  const stack = await startBenchStack({ policySource: 'database', workers });
  try {
    const token = await benchEditorToken(stack, 'bench-editor');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const versionAt = async (url: string): Promise<number> => {
      const res = await fetch(`${url}/api/admin/v1/policy`, { headers });
      if (!res.ok) throw new Error(`GET policy: HTTP ${res.status} ${await res.text()}`);
      return ((await res.json()) as { version: number }).version;
    };
    const commitMs: number[] = [];
    const propagationMs: number[] = [];
    // Every change is made against the version the previous one returned: a GET could reach one of
    // A's other workers before it has polled the change.
    let head = await versionAt(stack.caUrl);
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      const res = await fetch(`${stack.caUrl}/api/admin/v1/rules`, {
        method: 'POST',
        headers: { ...headers, 'if-match': `"v${head}"` },
        body: JSON.stringify({
          reason: `bench round ${i}`,
          rule: {
            name: `bench-${i}`,
            issuer: stack.issuer.url,
            subject: `user${i}@signet.example`,
          },
        }),
      });
      if (res.status !== 201) throw new Error(`POST rule: HTTP ${res.status} ${await res.text()}`);
      const committed = performance.now();
      const etag = /^"v(\d+)"$/.exec(res.headers.get('etag') ?? '');
      if (etag === null) throw new Error('POST rule: no ETag');
      commitMs.push(committed - started);
      // B's answer comes from one of its worker processes; every one of them must have it.
      let seen = 0;
      while (seen < workers * 2) {
        if ((await versionAt(stack.caCtUrl)) > head) seen++;
        else seen = 0;
      }
      head = Number(etag[1]);
      propagationMs.push(performance.now() - committed);
      progress(
        `round ${i}: commit ${(committed - started).toFixed(1)} ms, other CA ${(performance.now() - committed).toFixed(1)} ms`,
      );
    }
    const figures: Figure[] = [];
    for (const [id, values] of [
      ['policy_change_commit', commitMs],
      ['policy_change_other_ca', propagationMs],
    ] as const) {
      const s = sorted(values);
      figures.push(
        figure(`${id}_p50_ms`, 'ms', percentile(s, 50)),
        figure(`${id}_p99_ms`, 'ms', percentile(s, 99)),
        figure(`${id}_max_ms`, 'ms', s[s.length - 1]!),
      );
    }
    const result = { date: new Date().toISOString(), rounds, workersPerCa: workers, figures };
    writeFileSync(
      join(__dirname, '../../bench/results/policy-propagation-latest.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    for (const f of figures) process.stdout.write(`${f.id.padEnd(36)} ${f.value} ${f.unit}\n`);
  } finally {
    await stack.stop();
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
