// A small closed-loop HTTP load driver: N clients on keep-alive connections, each sending its next
// request as soon as the previous answer has been read. Latency is measured per request from
// send to the last byte of the answer.
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { msSince, percentile, sorted } from './figures';

/** One request to send. */
export interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: Buffer;
}

/** An answer, read to the end. */
export interface Reply {
  status: number;
  body: Buffer;
}

/** ECONNRESET on a reused keep-alive socket: the server had closed it as idle. */
class KeepAliveRace extends Error {
  readonly code = 'ECONNRESET';
  constructor(
    override readonly cause: Error,
    readonly idleMs: number,
  ) {
    super(`${cause.message} (on a keep-alive socket idle for ${idleMs.toFixed(0)} ms before)`);
  }
}

/** Keep-alive HTTP/1.1 client for one origin. */
export class HttpClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, maxSockets = 256) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    // Idle sockets close after 4 s, before a Node server's keep-alive timeout (5 s, closed at 6)
    // does: soaks saw the agent keep sockets idle past 6 s without it, then reset on reuse.
    this.agent = new Agent({
      keepAlive: true,
      timeout: 4_000,
      maxSockets,
      maxFreeSockets: maxSockets,
    });
    this.agent.on('free', (socket: Socket) => this.freedAt.set(socket, performance.now()));
  }

  /** When each idle socket was last released, to say how long a reset one had been idle. */
  private readonly freedAt = new WeakMap<Socket, number>();

  /** Requests sent again after a keep-alive race (see {@link send}). */
  retriedResets = 0;
  /** The first few of those: method, path, and how long the socket had been idle. */
  readonly races: string[] = [];

  /**
   * Sends `call` and reads the answer to its end. A request that fails with ECONNRESET on a reused
   * keep-alive socket is sent once more on a fresh one, as Node's documentation advises
   * (`request.reusedSocket`): the server may close an idle connection just as a request goes out.
   * The agent's 4 s idle timeout should leave no such race; this is the backstop, counted.
   */
  async send(call: Call): Promise<Reply> {
    try {
      return await this.sendOnce(call);
    } catch (err) {
      if (!(err instanceof KeepAliveRace)) throw err;
      this.retriedResets++;
      if (this.races.length < 5) this.races.push(`${call.method} ${call.path}: ${err.message}`);
      return this.sendOnce(call);
    }
  }

  private sendOnce(call: Call): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      const headers: Record<string, string | number> = { accept: 'application/json' };
      if (call.body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = call.body.length;
      }
      const req = request(
        {
          host: this.host,
          port: this.port,
          method: call.method,
          path: call.path,
          headers,
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (!req.reusedSocket || err.code !== 'ECONNRESET') return reject(err);
        const freed = this.freedAt.get(req.socket!);
        const idle = freed === undefined ? NaN : performance.now() - freed;
        reject(new KeepAliveRace(err, idle));
      });
      req.end(call.body);
    });
  }

  /** GETs `path` and parses the JSON answer; throws unless the status is 200. */
  async getJson<T>(path: string): Promise<T> {
    const reply = await this.send({ method: 'GET', path });
    if (reply.status !== 200)
      throw new Error(`GET ${path}: HTTP ${reply.status} ${reply.body.toString().slice(0, 300)}`);
    return JSON.parse(reply.body.toString()) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface LoadOptions {
  client: HttpClient;
  concurrency: number;
  /** The request numbered `i` (0, 1, 2… across all clients). */
  call: (i: number) => Call;
  /** The status a successful answer has. */
  expect: number;
  /** Stop after this many requests… */
  count?: number;
  /** …or after this long, whichever comes first. */
  durationMs?: number;
}

export interface LoadResult {
  ok: number;
  failed: number;
  seconds: number;
  /** Successful requests per second of wall-clock time. */
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Status (or error name) → count, for the failures. */
  failures: Record<string, number>;
  firstFailure?: string;
}

/** Runs the closed loop; latencies of successful requests are in milliseconds. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let firstFailure: string | undefined;
  let next = 0;
  const count = opts.count ?? Infinity;
  const start = process.hrtime.bigint();
  const deadline = opts.durationMs === undefined ? Infinity : Date.now() + opts.durationMs;
  const client = async () => {
    for (let i = next++; i < count && Date.now() < deadline; i = next++) {
      const call = opts.call(i);
      const sent = process.hrtime.bigint();
      try {
        const reply = await opts.client.send(call);
        if (reply.status === opts.expect) {
          latencies.push(msSince(sent));
          continue;
        }
        failures[String(reply.status)] = (failures[String(reply.status)] ?? 0) + 1;
        firstFailure ??= `HTTP ${reply.status}: ${reply.body.toString().slice(0, 300)}`;
      } catch (err) {
        const name = (err as NodeJS.ErrnoException).code ?? 'error';
        failures[name] = (failures[name] ?? 0) + 1;
        firstFailure ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, client));
  const seconds = msSince(start) / 1000;
  const lat = sorted(latencies);
  return {
    ok: latencies.length,
    failed: Object.values(failures).reduce((a, b) => a + b, 0),
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(lat, 50),
    p95: percentile(lat, 95),
    p99: percentile(lat, 99),
    max: lat.length > 0 ? lat[lat.length - 1]! : NaN,
    failures,
    ...(firstFailure !== undefined ? { firstFailure } : {}),
  };
}

/** One line describing a load result, for progress output. */
export function describeLoad(label: string, r: LoadResult): string {
  const fail = r.failed > 0 ? `, ${r.failed} failed (${JSON.stringify(r.failures)})` : '';
  return `${label}: ${r.ok} ok in ${r.seconds.toFixed(1)} s = ${r.perSecond.toFixed(0)}/s, p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms${fail}`;
}
