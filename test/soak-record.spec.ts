/* The soak's bookkeeping (bench/support/soak-record.ts, soak.ts): what counts as an error, a
   fork seen in answers, and the RSS rule. The soak itself is test/soak.e2e-spec.ts. */
import type { SoakResult } from '../bench/support/soak';
import { rssGrowth, SoakRecord, soakFailures } from '../bench/support/soak-record';

const now = () => process.hrtime.bigint();

describe(SoakRecord.name, () => {
  it('counts the expected answer as ok, an intended 429/503 as neither, anything else as an error', () => {
    const r = new SoakRecord();
    expect(r.answer('v1', 201, now(), 201)).toBe(true);
    expect(r.answer('v1', 503, now(), 201)).toBe(false);
    expect(r.answer('v1', 429, now(), 201)).toBe(false);
    expect(r.answer('v1', 500, now(), 201, () => 'POST /api/v1/log/entries: boom')).toBe(false);
    expect(r.answer('v1', 'ECONNRESET', now(), 201)).toBe(false);
    expect(r.summary(1)).toEqual([
      expect.objectContaining({
        op: 'v1',
        count: 5,
        ok: 1,
        statuses: { '201': 1, '429': 1, '503': 1, '500': 1, ECONNRESET: 1 },
      }),
    ]);
    expect(r.errors).toEqual(['v1: 500 POST /api/v1/log/entries: boom', 'v1: ECONNRESET']);
  });

  it('calls two roots for one tree size a fork', () => {
    const r = new SoakRecord();
    r.root('artifact', 5n, 'aa', 'a checkpoint');
    r.root('artifact', 5n, 'aa', 'a proof');
    r.root('rekor-v2', 5n, 'bb', 'a checkpoint');
    expect(r.errorCount).toBe(0);
    r.root('artifact', 5n, 'cc', 'a consistency proof');
    expect(r.errors).toEqual([
      'fork: artifact tree size 5 has roots aa and cc (a consistency proof)',
    ]);
  });
});

describe(rssGrowth.name, () => {
  // Warm-up ends at 10 s; the early half is 10–30 s, the late half 30–50 s.
  const samples = {
    atSeconds: [0, 10, 20, 30, 40, 50],
    rssKiB: {
      // A sawtooth whose peaks stay level: a collection at 20 s and at 50 s.
      ca: [60, 160, 110, 150, 160, 112],
      // Every peak higher: a leak.
      log: [60, 100, 105, 108, 112, 116],
    },
  };

  it('compares the highest RSS of each half after warm-up, so a sawtooth is no growth', () => {
    expect(rssGrowth(samples, 10)).toEqual([
      { name: 'ca', warmKiB: 160, endKiB: 112, earlyPeakKiB: 160, latePeakKiB: 160, growth: 0 },
      {
        name: 'log',
        warmKiB: 100,
        endKiB: 116,
        earlyPeakKiB: 108,
        latePeakKiB: 116,
        growth: expect.closeTo(116 / 108 - 1, 10),
      },
    ]);
  });

  it('fails a run on growth at the limit, and on a process that died (no RSS)', () => {
    const result = (rss: SoakResult['rss']): SoakResult => ({
      options: {
        seconds: 50,
        concurrency: 1,
        sampleEveryMs: 10_000,
        adminEveryMs: 3_000,
        warmupFraction: 0.2,
      },
      seconds: 50,
      processes: { logs: 3, cas: 2 },
      opNames: [],
      ops: [],
      errorCount: 0,
      retriedResets: 0,
      races: [],
      driverLoopDelayMs: { p99: 0, max: 0 },
      errors: [],
      trees: [],
      rss,
      rssSamples: samples,
      apps: [],
    });
    const dead = { ...samples, rssKiB: { gone: [60, 100, 105, NaN, NaN, NaN] } };
    expect(soakFailures(result([...rssGrowth(samples, 10), ...rssGrowth(dead, 10)]), 0.05)).toEqual(
      [
        'log RSS peak grew 7.4% after warm-up (108 → 116 KiB), limit 5%',
        'gone RSS peak grew NaN% after warm-up (NaN → NaN KiB), limit 5%',
      ],
    );
  });
});
