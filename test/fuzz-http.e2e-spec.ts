/* Random and mutated requests against the built CA and log (child processes, real Postgres):
   never a 5xx, every 4xx names the problem, a refused request writes nothing, each request
   answers within a bound, and the servers' memory stays bounded. FUZZ_RUNS scales the count
   (`npm run fuzz`); FUZZ_SEED replays one. Needs `npm run build`. */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { anyJson, fuzzRuns, hostileString, mutatedBytes, mutatedJson } from './support/fuzz';
import { clientKey, proofOf, signingCertRequest } from './support/ca-fixtures';
import { startStack, type Stack } from './support/stack';

const EMAIL = 'alice@example.com';
/** Per request, wall-clock on a 2-core machine that runs other suites at the same time. */
const P99_BOUND_MS = 2000;
/** Growth of each server's RSS over the whole run. */
const RSS_GROWTH_BOUND_MB = 200;

interface Sent {
  name: string;
  method: string;
  url: string;
  status: number;
  ms: number;
}

/** A URL component; lone surrogates (which encodeURIComponent refuses) become U+FFFD. */
const enc = (text: string) => encodeURIComponent(Buffer.from(text).toString());

/** VmRSS of `pid` in MB, from /proc. */
function rssMb(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(line![1]) / 1024;
}

/** What a 4xx says is wrong: Rekor's and Nest's `message`, CT's `error`, or the plain text. */
function problemOf(body: string): string {
  try {
    const json = JSON.parse(body) as { message?: unknown; error?: unknown };
    const message = json.message ?? json.error;
    return Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : '';
  } catch {
    return body.trim();
  }
}

describe('HTTP endpoints on random and mutated requests', () => {
  let stack: Stack;
  let snapshotSql: string;
  const writer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const writerPem = writer.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const writerDer = writer.publicKey.export({ type: 'spki', format: 'der' });
  const sent: Sent[] = [];
  let rssStart: { ca: number; log: number };
  const failures: string[] = [];

  beforeAll(async () => {
    stack = await startStack(
      [{ name: 'alice', issuer: '$EMAIL_ISSUER', subject: EMAIL }],
      [writerPem],
      {},
      { processes: true },
    );
    const tables = await stack.db.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    );
    // A row count and the newest row version (xmin) per table: an insert, update or delete
    // anywhere changes the snapshot. Except rate_limit_window: the CA's per-client limit counts
    // every signingCert request before reading it, refused ones included, by design (a client
    // that sends garbage is the one to slow down).
    snapshotSql = `SELECT ${tables
      .filter(({ name }) => name !== 'rate_limit_window')
      .map(
        ({ name }) =>
          `(SELECT count(*) || ':' || coalesce(max(xmin::text::bigint), 0) FROM "${name}") AS "${name}"`,
      )
      .join(', ')}`;
    rssStart = {
      ca: rssMb(stack.processes!.ca.child.pid!),
      log: rssMb(stack.processes!.log.child.pid!),
    };
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  const snapshot = async () => (await stack.db.query(snapshotSql))[0]!;

  /**
   * Sends one request and checks the contract; a 2xx may write, a 4xx must not. Returns the
   * status so callers can build on accepted answers.
   */
  async function send(
    name: string,
    url: string,
    init: { method?: string; body?: string | Uint8Array; headers?: Record<string, string> },
  ): Promise<number> {
    const before = await snapshot();
    const start = performance.now();
    const res = await fetch(url, {
      method: init.method ?? 'POST',
      headers: init.headers,
      body: init.body,
    }).catch((err: Error) => err);
    const ms = performance.now() - start;
    if (res instanceof Error) {
      failures.push(`${name} ${url}: ${res.message}`);
      return 0;
    }
    const text = await res.text();
    sent.push({ name, method: init.method ?? 'POST', url, status: res.status, ms });
    const where = `${name} ${init.method ?? 'POST'} ${url} -> ${res.status}`;
    if (res.status >= 500) failures.push(`${where}: ${text.slice(0, 300)}`);
    if (res.status >= 400 && res.status < 500) {
      if (problemOf(text) === '') failures.push(`${where}: no problem named in ${text}`);
      const after = await snapshot();
      const changed = Object.keys(before).filter((t) => before[t] !== after[t]);
      if (changed.length > 0) failures.push(`${where}: refused, but wrote ${changed.join(', ')}`);
    }
    return res.status;
  }

  /** `count` samples of `arb`, from FUZZ_SEED when set (each call its own stream). */
  let stream = 0;
  const samples = <T>(arb: fc.Arbitrary<T>, count: number): T[] => {
    const seed = Number(process.env.FUZZ_SEED ?? 20261202) + stream++;
    return fc.sample(arb, { numRuns: count, seed });
  };
  const json = (value: unknown) => ({
    body: typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null'),
    headers: { 'content-type': 'application/json' },
  });
  /** Each mutated body once, then a few random and wrongly typed ones. */
  const bodies = (valid: unknown[], count: number) => [
    ...samples(mutatedJson(...valid), count),
    ...samples(anyJson, Math.ceil(count / 5)),
  ];

  // The default keeps the run under a minute; FUZZ_RUNS (npm run fuzz) multiplies it.
  const n = (base: number) => Math.ceil((base * fuzzRuns(100)) / 100);

  it('answers the CA: signingCert, TSA (JSON and DER), reads', async () => {
    const key = clientKey('P-256');
    const token = await stack.fx.email.mint({ sub: 'u-1', email: EMAIL, email_verified: true });
    const valid = signingCertRequest(token, key, proofOf(key, EMAIL));
    for (const body of bodies([valid], n(60))) {
      await send('signingCert', `${stack.caUrl}/api/v2/signingCert`, json(body));
    }
    const digest = createHash('sha256').update('artifact').digest();
    const tsaJson = { artifactHash: digest.toString('base64'), hashAlgorithm: 'sha256' };
    for (const body of bodies([tsaJson], n(40))) {
      await send('timestamp', `${stack.caUrl}/api/v1/timestamp`, json(body));
    }
    // A DER TimeStampReq (v1, SHA-256 imprint, certReq), as openssl ts -query writes it.
    const query = Buffer.concat([
      Buffer.from('3039020101303130 0d060960864801650304020105000420'.replace(/ /g, ''), 'hex'),
      digest,
      Buffer.from('0101ff', 'hex'),
    ]);
    for (const der of samples(mutatedBytes(query), n(30))) {
      await send('timestamp DER', `${stack.caUrl}/api/v1/timestamp`, {
        body: der,
        headers: { 'content-type': 'application/timestamp-query' },
      });
    }
    for (const type of samples(fc.oneof(hostileString, fc.constant('text/plain')), 10)) {
      await send('timestamp type', `${stack.caUrl}/api/v1/timestamp`, {
        body: 'x',
        headers: { 'content-type': type.replace(/[^\x20-\x7e]/g, '') },
      });
    }
    for (const path of samples(hostileString, n(10))) {
      await send('CA read', `${stack.caUrl}/tuf/${enc(path)}`, { method: 'GET' });
    }
    expect(failures).toEqual([]);
  });

  it('answers the log: Rekor v1 and v2 entries, searches, proofs, CT, tiles', async () => {
    const artifact = Buffer.from('fuzzed artifact');
    const signature = sign('sha256', artifact, writer.privateKey).toString('base64');
    const v1 = {
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: {
        data: {
          hash: { algorithm: 'sha256', value: createHash('sha256').update(artifact).digest('hex') },
        },
        signature: {
          content: signature,
          publicKey: { content: Buffer.from(writerPem).toString('base64') },
        },
      },
    };
    const v2 = {
      hashedRekordRequestV002: {
        digest: createHash('sha256').update(artifact).digest('base64'),
        signature: {
          content: signature,
          verifier: {
            publicKey: { rawBytes: writerDer.toString('base64') },
            keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          },
        },
      },
    };
    expect(await send('v1 entry', `${stack.logUrl}/api/v1/log/entries`, json(v1))).toBe(201);
    for (const body of bodies([v1], n(60))) {
      await send('v1 entry', `${stack.logUrl}/api/v1/log/entries`, json(body));
    }
    for (const body of bodies([v2], n(40))) {
      await send('v2 entry', `${stack.logV2Url}/api/v2/log/entries`, json(body));
    }
    const search = { hash: `sha256:${createHash('sha256').update(artifact).digest('hex')}` };
    for (const body of bodies(
      [search, { publicKey: { format: 'x509', content: writerPem } }],
      n(20),
    )) {
      await send('index search', `${stack.logUrl}/api/v1/index/retrieve`, json(body));
    }
    for (const body of bodies([{ logIndexes: [0] }, { entryUUIDs: ['00'] }], n(20))) {
      await send('entries retrieve', `${stack.logUrl}/api/v1/log/entries/retrieve`, json(body));
    }
    // The CA's own chain (leaf-less, so CT refuses it or logs it): base64 DER, as CT sends.
    const bundle = (await (await fetch(`${stack.caUrl}/api/v2/trustBundle`)).json()) as {
      chains: { certificates: string[] }[];
    };
    const chain = {
      chain: bundle.chains[0]!.certificates.map((pem) =>
        pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, ''),
      ),
    };
    for (const body of bodies([chain], n(20))) {
      await send('CT add-chain', `${stack.logUrl}/ct/v1/add-chain`, json(body));
      await send('CT add-pre-chain', `${stack.logUrl}/ct/v1/add-pre-chain`, json(body));
    }
    const number = fc.oneof(
      fc.nat(5).map(String),
      hostileString,
      fc.constant('18446744073709551616'),
    );
    const reads = fc.oneof(
      fc
        .tuple(number, number)
        .map(([a, b]) => `/api/v1/log/proof?firstSize=${enc(a)}&lastSize=${enc(b)}`),
      number.map((i) => `/api/v1/log/entries?logIndex=${enc(i)}`),
      fc.tuple(number, number).map(([a, b]) => `/ct/v1/get-entries?start=${enc(a)}&end=${enc(b)}`),
      fc
        .tuple(number, number)
        .map(([a, b]) => `/ct/v1/get-sth-consistency?first=${enc(a)}&second=${enc(b)}`),
      fc
        .tuple(hostileString, number)
        .map(([h, s]) => `/ct/v1/get-proof-by-hash?hash=${enc(h)}&tree_size=${enc(s)}`),
      fc
        .array(fc.oneof(number, fc.constantFrom('x000', '000', '0.p', 'entries', '1')), {
          maxLength: 6,
        })
        .map((parts) => `/api/v1/log/tile/${parts.map(encodeURIComponent).join('/')}`),
      fc
        .tuple(number, fc.array(number, { maxLength: 4 }))
        .map(
          ([tree, parts]) =>
            `/api/v2/trees/${enc(tree)}/tile/${parts.map(encodeURIComponent).join('/')}`,
        ),
    );
    for (const path of samples(reads, n(60))) {
      await send('log read', `${stack.logUrl}${path}`, { method: 'GET' });
    }
    expect(failures).toEqual([]);
  });

  it('answered each request within the bound, and the servers kept their memory', () => {
    const times = sent.map((s) => s.ms).sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    const statuses = sent.reduce<Record<number, number>>(
      (acc, s) => ({ ...acc, [s.status]: (acc[s.status] ?? 0) + 1 }),
      {},
    );
    const rss = {
      ca: rssMb(stack.processes!.ca.child.pid!),
      log: rssMb(stack.processes!.log.child.pid!),
    };
    console.log(
      `fuzz-http: ${sent.length} requests, statuses ${JSON.stringify(statuses)}, ` +
        `p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${at(1).toFixed(1)} ms; ` +
        `RSS CA ${rssStart.ca.toFixed(0)} -> ${rss.ca.toFixed(0)} MB, log ${rssStart.log.toFixed(0)} -> ${rss.log.toFixed(0)} MB`,
    );
    expect(sent.length).toBeGreaterThan(300);
    expect(at(0.99)).toBeLessThan(P99_BOUND_MS);
    expect(rss.ca - rssStart.ca).toBeLessThan(RSS_GROWTH_BOUND_MB);
    expect(rss.log - rssStart.log).toBeLessThan(RSS_GROWTH_BOUND_MB);
  });
});
