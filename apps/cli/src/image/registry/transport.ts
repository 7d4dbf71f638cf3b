/* HTTP(S) for the registry client on node:http/node:https: https unless the user named the host
   (`--allow-http`), an extra CA, a timeout per request, a cap on every body read, and redirects
   followed for reads only, with the Authorization header dropped when the redirect leaves the
   origin (as @sigstore/oci `registry.ts` and docker/distribution's client do). */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { rootCertificates } from 'node:tls';
import { CliError, ExitCode } from '../../cli/exit-codes';

/** How the transport connects. */
export interface TransportOptions {
  /** host[:port] values that may be reached over plain http. */
  allowHttp: readonly string[];
  /** A PEM file of extra CA certificates trusted for TLS besides Node's roots. */
  caFile?: string;
  /** Per request: connect, send and read the whole answer. */
  timeoutMs: number;
}

/** One request. `authorization` is sent only to the origin of `url`. */
export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  authorization?: string;
  body?: Buffer;
  /** The largest body read; a larger answer is an error. */
  maxBytes: number;
}

/** A whole answer; `url` is the last one after redirects. */
export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  url: string;
}

const MAX_REDIRECTS = 5;

/** Sends requests under the rules of {@link TransportOptions}. */
export class Transport {
  private readonly agent: https.Agent;
  private readonly allowHttp: ReadonlySet<string>;

  constructor(private readonly options: TransportOptions) {
    this.allowHttp = new Set(options.allowHttp.map((h) => h.toLowerCase()));
    let ca: string[] | undefined;
    if (options.caFile !== undefined) {
      try {
        ca = [...rootCertificates, readFileSync(options.caFile, 'utf8')];
      } catch (err) {
        throw new CliError(ExitCode.error, `cannot read the CA file ${options.caFile}`, {
          cause: err,
        });
      }
    }
    this.agent = new https.Agent({ keepAlive: true, ...(ca && { ca }) });
  }

  /** `http://host` for a host the user allowed plain http for, else `https://host`. */
  origin(host: string): string {
    return `${this.allowsHttp(host) ? 'http' : 'https'}://${host}`;
  }

  /** True when plain http to `host` (host[:port]) was allowed. */
  allowsHttp(host: string): boolean {
    return this.allowHttp.has(host.toLowerCase());
  }

  /** Sends `req`, following up to 5 redirects for GET and HEAD. Exit 4 when unreachable. */
  async send(req: HttpRequest): Promise<HttpAnswer> {
    const origin = new URL(req.url).origin;
    let url = req.url;
    for (let hop = 0; ; hop++) {
      const target = new URL(url);
      this.checkScheme(target);
      const answer = await this.once({
        ...req,
        url,
        // Never hand the registry's credentials to another origin (a blob store, a CDN).
        ...(target.origin !== origin && { authorization: undefined }),
      });
      const location = answer.headers.location;
      const redirect = [301, 302, 303, 307, 308].includes(answer.status) && location !== undefined;
      if (!redirect || (req.method !== 'GET' && req.method !== 'HEAD')) return answer;
      if (hop === MAX_REDIRECTS) {
        throw new CliError(ExitCode.error, `${req.url}: more than ${MAX_REDIRECTS} redirects`);
      }
      url = new URL(location, url).href;
    }
  }

  private checkScheme(url: URL): void {
    if (url.protocol === 'https:') return;
    if (url.protocol === 'http:' && this.allowsHttp(url.host)) return;
    throw new CliError(
      ExitCode.error,
      url.protocol === 'http:'
        ? `refusing plain http to ${url.host}: allow it explicitly (--allow-http ${url.host}) if it really has no TLS`
        : `refusing ${url.protocol} URL ${url.href}`,
    );
  }

  private once(req: HttpRequest): Promise<HttpAnswer> {
    const url = new URL(req.url);
    const headers: Record<string, string> = {
      'user-agent': 'signet',
      ...req.headers,
      ...(req.authorization !== undefined && { authorization: req.authorization }),
      ...(req.body !== undefined && { 'content-length': String(req.body.length) }),
    };
    const unreachable = (why: string, cause?: unknown) =>
      new CliError(
        ExitCode.unavailable,
        `registry ${url.host}: cannot reach ${url.origin} (${why})`,
        { cause },
      );
    return new Promise<HttpAnswer>((resolve, reject) => {
      const options: https.RequestOptions = { method: req.method, headers };
      const request =
        url.protocol === 'https:'
          ? https.request(url, { ...options, agent: this.agent })
          : http.request(url, options);
      let failure: CliError | undefined; // why we cut the answer short, if we did
      const timer = setTimeout(() => {
        failure = unreachable(`no answer in ${this.options.timeoutMs} ms`);
        request.destroy(failure);
      }, this.options.timeoutMs);
      const done = (fn: () => void) => {
        clearTimeout(timer);
        fn();
      };
      const fail = (err: NodeJS.ErrnoException) =>
        done(() =>
          reject(failure ?? (err instanceof CliError ? err : unreachable(reason(err, url), err))),
        );
      request.on('error', fail);
      request.on('response', (res) => {
        // A HEAD answer declares the length of the body a GET would get.
        const declared = req.method === 'HEAD' ? 0 : Number(res.headers['content-length'] ?? 0);
        const tooLarge = () =>
          new CliError(
            ExitCode.error,
            `registry ${url.host}: ${req.method} ${url.pathname} answered more than ${req.maxBytes} bytes`,
          );
        if (declared > req.maxBytes) {
          failure = tooLarge();
          request.destroy(failure);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= req.maxBytes) return void chunks.push(chunk);
          failure ??= tooLarge();
          request.destroy(failure);
        });
        res.on('error', fail);
        res.on('end', () =>
          done(() =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
              url: url.href,
            }),
          ),
        );
      });
      request.end(req.body);
    });
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}

/** Why a connection failed; a TLS handshake with a plain-http server says how to allow that. */
function reason(err: NodeJS.ErrnoException, url: URL): string {
  const why = err.code ?? err.message;
  return url.protocol === 'https:' &&
    /wrong version number|EPROTO/i.test(`${err.code} ${err.message}`)
    ? `${why}: it does not speak TLS; if it really has none, allow plain http with --allow-http ${url.host}`
    : why;
}
