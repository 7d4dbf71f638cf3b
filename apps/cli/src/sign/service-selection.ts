/* Which CA, log and TSA a signing run uses, chosen from a Sigstore SigningConfig v0.2 as
   sigstore-go does: services valid now, the highest API version this client speaks (Rekor 1 or
   2, CA and TSA 1), the newest `validFor.start` among equals. */
import { readFile } from 'node:fs/promises';
import { CliError, ExitCode, usageError } from '../cli/exit-codes';
import { isSecureUrl } from '../cli/options';

const MEDIA_TYPE = 'application/vnd.dev.sigstore.signingconfig.v0.2+json';
const SUPPORTED = { ca: [1], tlog: [1, 2], tsa: [1] } as const;

interface ServiceJson {
  url?: unknown;
  majorApiVersion?: unknown;
  validFor?: { start?: unknown; end?: unknown };
}

/** A chosen service. */
export interface Service {
  url: string;
  majorApiVersion: number;
}

/** What a signing run talks to. */
export interface SelectedServices {
  ca: Service | undefined;
  tlog: Service | undefined;
  tsa: Service | undefined;
}

function pick(
  services: unknown,
  versions: readonly number[],
  now: Date,
  field: string,
): Service | undefined {
  if (services === undefined) return undefined;
  if (!Array.isArray(services)) throw usageError(`signing config: ${field} must be an array`);
  const usable = (services as ServiceJson[])
    .map((s, i) => {
      if (typeof s.url !== 'string' || !URL.canParse(s.url)) {
        throw usageError(`signing config: ${field}[${i}].url is not a URL`);
      }
      const start = typeof s.validFor?.start === 'string' ? Date.parse(s.validFor.start) : 0;
      const end =
        typeof s.validFor?.end === 'string' ? Date.parse(s.validFor.end) : Number.POSITIVE_INFINITY;
      return {
        url: s.url.replace(/\/+$/, ''),
        version: Number(s.majorApiVersion ?? 1),
        start,
        end,
      };
    })
    .filter(
      (s) => versions.includes(s.version) && s.start <= now.getTime() && now.getTime() < s.end,
    )
    .sort((a, b) => b.version - a.version || b.start - a.start);
  const best = usable[0];
  return best === undefined ? undefined : { url: best.url, majorApiVersion: best.version };
}

/**
 * Chooses the services of a parsed SigningConfig v0.2 (see the file's comment); `tlogVersions`
 * narrows the log API versions considered (e.g. `[1]` for a log that returns a SET).
 */
export function selectServices(
  config: unknown,
  now = new Date(),
  tlogVersions: readonly number[] = SUPPORTED.tlog,
): SelectedServices {
  if (typeof config !== 'object' || config === null) {
    throw usageError('signing config: not a JSON object');
  }
  const c = config as Record<string, unknown>;
  if (c.mediaType !== MEDIA_TYPE) {
    throw usageError(`signing config: mediaType must be ${MEDIA_TYPE}`);
  }
  return {
    ca: pick(c.caUrls, SUPPORTED.ca, now, 'caUrls'),
    tlog: pick(c.rekorTlogUrls, tlogVersions, now, 'rekorTlogUrls'),
    tsa: pick(c.tsaUrls, SUPPORTED.tsa, now, 'tsaUrls'),
  };
}

/** A signing config file (--signing-config). */
export async function readSigningConfig(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (err) {
    throw usageError(`--signing-config ${file}: ${(err as Error).message}`);
  }
}

/**
 * The signing config the CA serves (`GET <ca>/api/v1/signingConfig`), read from the CA the token
 * goes to anyway; undefined when it serves none (an older instance: then the v1 log, no TSA).
 */
export async function fetchSigningConfig(caUrl: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${caUrl}/api/v1/signingConfig`, { signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new CliError(
      ExitCode.unavailable,
      `could not fetch the signing config from ${caUrl}: ${(err as Error).message}`,
    );
  }
  if (res.status === 404) return undefined;
  if (!res.ok) {
    throw new CliError(
      ExitCode.unavailable,
      `${caUrl}/api/v1/signingConfig answered ${res.status}`,
    );
  }
  return res.json();
}

/** Refuses a service URL a token or signature should not travel to in clear. */
export function checkServiceUrl(
  service: Service | undefined,
  what: string,
  insecure: boolean,
): void {
  if (service !== undefined && !insecure && !isSecureUrl(service.url)) {
    throw usageError(
      `the signing config names ${what} ${service.url}, plain http to a host that is not loopback; use https, or pass --insecure-http`,
    );
  }
}
