/* One registry conversation: each request goes out with the Authorization an earlier answer
   taught (credentials only to the registry's own origin), a 401 is answered once from its
   challenge, and failures become CliErrors with the CLI's exit codes: unreachable, 5xx, 408 and
   429 "unavailable"; 401 and 403 name the registry and where the credentials came from. */
import { CliError, ExitCode } from '../../cli/exit-codes';
import { type Access, RegistryAuth } from './auth';
import {
  credentialHelperRunner,
  dockerConfigPath,
  readDockerConfig,
  resolveCredentials,
} from './docker-config';
import type { ImageReference } from './reference';
import { type HttpAnswer, type HttpRequest, Transport } from './transport';

/** What a {@link RegistrySession} needs. */
export interface SessionOptions {
  allowHttp: readonly string[];
  caFile?: string;
  dockerConfig?: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** A request relative to a repository: `path` follows `/v2/<repository>/`, or a full `url`. */
export type RegistryRequest = Omit<HttpRequest, 'url' | 'authorization'> &
  ({ path: string } | { url: string });

/** Authenticated requests to registries, with the errors of the CLI. */
export class RegistrySession {
  readonly transport: Transport;
  private readonly auth: RegistryAuth;

  constructor(options: SessionOptions) {
    this.transport = new Transport(options);
    const configPath = dockerConfigPath(options.env, options.dockerConfig);
    const runHelper = credentialHelperRunner(options.env);
    this.auth = new RegistryAuth(
      this.transport,
      async (registry) => {
        const config = readDockerConfig(configPath);
        return config === undefined ? undefined : resolveCredentials(config, registry, runHelper);
      },
      (registry) =>
        `looked in ${configPath}; run docker login ${registry}, or configure a credential helper`,
    );
  }

  /** `http(s)://<registry>/v2/<repository>/<path>`. */
  url(ref: ImageReference, path: string): string {
    return `${this.transport.origin(ref.registry)}/v2/${ref.repository}/${path}`;
  }

  /**
   * Sends `req` for `ref`'s repository with `access`, answering one 401. Returns every other
   * answer below 500 (404 included) for the caller to read; throws for 401/403, 408, 429, 5xx.
   */
  async call(ref: ImageReference, access: Access, req: RegistryRequest): Promise<HttpAnswer> {
    const url = 'url' in req ? req.url : this.url(ref, req.path);
    const own = new URL(url).origin === this.transport.origin(ref.registry);
    const send = (authorization: string | undefined) =>
      this.transport.send({
        ...req,
        url,
        ...(own && authorization !== undefined && { authorization }),
      });
    let answer = await send(await this.auth.known(ref.registry, ref.repository, access));
    if (answer.status === 401 && own) {
      const header = await this.auth.answer(
        ref.registry,
        ref.repository,
        access,
        headerValue(answer, 'www-authenticate'),
      );
      answer = await send(header);
      if (answer.status === 401) throw await this.auth.refused(ref.registry);
    }
    const what = `registry ${ref.registry}: ${req.method} ${new URL(url).pathname}`;
    if (answer.status === 401 || answer.status === 403) {
      throw new CliError(
        ExitCode.error,
        `${what} was refused (${answer.status}${registryErrors(answer)}): the credentials lack ${access} access to ${ref.repository}`,
        { code: 'REGISTRY_UNAUTHORIZED' },
      );
    }
    if (answer.status >= 500 || answer.status === 408 || answer.status === 429) {
      throw new CliError(
        ExitCode.unavailable,
        `${what} answered ${answer.status}${registryErrors(answer)}`,
      );
    }
    return answer;
  }

  /** The error for an answer the caller did not expect. */
  unexpected(ref: ImageReference, req: { method: string }, answer: HttpAnswer): CliError {
    return new CliError(
      ExitCode.error,
      `registry ${ref.registry}: ${req.method} ${new URL(answer.url).pathname} answered ${answer.status}${registryErrors(answer)}`,
    );
  }

  close(): void {
    this.transport.close();
  }
}

/** A header's value (the first, when repeated). */
export function headerValue(answer: HttpAnswer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The error codes of a distribution error body (`{"errors":[{"code","message"}]}`). */
export function errorCodes(answer: HttpAnswer): string[] {
  try {
    const body = JSON.parse(answer.body.toString('utf8')) as { errors?: { code?: unknown }[] };
    return (body.errors ?? []).flatMap((e) => (typeof e.code === 'string' ? [e.code] : []));
  } catch {
    return [];
  }
}

/** `: CODE message` of a distribution error body, cut short; empty when there is none. */
function registryErrors(answer: HttpAnswer): string {
  try {
    const body = JSON.parse(answer.body.toString('utf8')) as {
      errors?: { code?: unknown; message?: unknown }[];
    };
    const text = (body.errors ?? [])
      .map((e) => [e.code, e.message].filter((x) => typeof x === 'string').join(' '))
      .join('; ');
    return text ? `: ${text.slice(0, 300)}` : '';
  } catch {
    return '';
  }
}

/** The URL of an RFC 8288 `Link: <…>; rel="next"`, resolved against `url`; same origin only. */
export function nextPage(url: string, link: string | undefined): string | undefined {
  const match = /<([^>]*)>\s*;\s*rel="?next"?/.exec(link ?? '');
  if (match === null) return undefined;
  const next = new URL(match[1]!, url);
  if (next.origin !== new URL(url).origin) {
    throw new CliError(
      ExitCode.error,
      `${url} names a next page on another origin (${next.origin})`,
    );
  }
  return next.href;
}
