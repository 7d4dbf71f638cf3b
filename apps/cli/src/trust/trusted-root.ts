/* The instance's trusted root (Sigstore TrustedRoot JSON): from a file, from the CA, or from the
   cache of the last one fetched. */
import { getTrustedRoot } from '@sigstore/tuf';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { type TimeRange, TrustedRoot } from '@sigstore/protobuf-specs';
import type { CliContext } from '../cli/context';
import { CliError, ExitCode, verificationFailed } from '../cli/exit-codes';
import { readJsonInput } from '../cli/files';
import { requestJson } from '../cli/http';
import { describeTrustChanges } from './trust-changes';

/** A trusted root and where it came from. */
export interface LoadedTrustedRoot {
  json: Record<string, unknown>;
  root: TrustedRoot;
  source: string;
}

/**
 * `$XDG_CACHE_HOME/signet/<host>/trusted_root.json` (default `~/.cache`), where `<host>` is the CA
 * URL's host with `_` for the `:` before a port.
 */
export function trustedRootCachePath(env: NodeJS.ProcessEnv, caUrl: string): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'signet', new URL(caUrl).host.replace(':', '_'), 'trusted_root.json');
}

/**
 * Parses trusted root JSON as @sigstore/verify will, and checks what it does not: every
 * `validFor` has a valid `start` (protobuf-specs' TimeRange has an optional end but a required
 * start; @sigstore/verify would read a missing start as the beginning of time). Exit 2 naming
 * `from` and the entry when it cannot be used.
 */
export function parseTrustedRoot(json: unknown, from: string): TrustedRoot {
  try {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new Error('not a JSON object');
    }
    const root = TrustedRoot.fromJSON(json);
    if (root.tlogs.length === 0 || root.certificateAuthorities.length === 0) {
      throw new Error('it lists no transparency log or no certificate authority');
    }
    const invalid = invalidValidity(root);
    if (invalid !== undefined) throw new Error(invalid);
    return root;
  } catch (err) {
    throw new CliError(
      ExitCode.error,
      `${from} is not a usable trusted root: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** The first `validFor` of `root` without a valid start, described, if any. */
function invalidValidity(root: TrustedRoot): string | undefined {
  const ranges = [
    ...root.tlogs.map((t, i) => range(`tlogs[${i}].publicKey`, t.baseUrl, t.publicKey?.validFor)),
    ...root.ctlogs.map((t, i) => range(`ctlogs[${i}].publicKey`, t.baseUrl, t.publicKey?.validFor)),
    ...root.certificateAuthorities.map((c, i) =>
      range(`certificateAuthorities[${i}]`, c.uri, c.validFor),
    ),
    ...root.timestampAuthorities.map((c, i) =>
      range(`timestampAuthorities[${i}]`, c.uri, c.validFor),
    ),
  ];
  for (const { path, url, validFor } of ranges) {
    if (validFor === undefined) continue;
    if (validFor.start === undefined) return `${path}.validFor has no start (${url})`;
    if (Number.isNaN(validFor.start.getTime())) {
      return `${path}.validFor.start is not a time (${url})`;
    }
  }
  return undefined;
}

const range = (path: string, url: string, validFor: TimeRange | undefined) => ({
  path,
  url,
  validFor,
});

/**
 * Fetches `GET <ca>/api/v1/trustedRoot` and checks it parses. The first root fetched from a CA is
 * cached (trust on first use, with a warning). After that, a root that trusts other keys or
 * certificates than the cached one is refused with exit 1 (`TRUSTED_ROOT_CHANGED`), and the cache
 * is kept, unless `replace` (`signet trust-root --replace`): one forged answer must not silently
 * become what every later verification trusts.
 */
export async function fetchTrustedRoot(
  ctx: CliContext,
  caUrl: string,
  options: { replace?: boolean } = {},
): Promise<LoadedTrustedRoot> {
  const url = `${caUrl}/api/v1/trustedRoot`;
  const json = await requestJson<Record<string, unknown>>(ctx, 'trusted root', url);
  const root = parseTrustedRoot(json, url);
  const cache = trustedRootCachePath(ctx.env, caUrl);
  const cached = existsSync(cache)
    ? parseTrustedRoot(await readJsonInput(cache, 'cached trusted root'), cache)
    : undefined;
  if (cached === undefined) {
    ctx.status(
      `warning: no trusted root was cached for ${caUrl}: trusting the one it serves now (pin one with --trusted-root)`,
    );
  } else {
    const changes = describeTrustChanges(cached, root);
    if (changes === undefined) return { json, root, source: url };
    if (options.replace !== true) {
      throw verificationFailed(
        `the trusted root ${caUrl} serves differs from the one cached in ${cache} (${changes}); check it out of band, then run signet trust-root --replace`,
        'TRUSTED_ROOT_CHANGED',
      );
    }
    ctx.status(`warning: replacing the cached trusted root of ${caUrl} (${changes})`);
  }
  try {
    await mkdir(dirname(cache), { recursive: true, mode: 0o700 });
    await writeFile(`${cache}.tmp`, `${JSON.stringify(json, null, 2)}\n`);
    await rename(`${cache}.tmp`, cache);
  } catch (err) {
    ctx.status(`warning: cannot cache the trusted root in ${cache}: ${(err as Error).message}`);
  }
  return { json, root, source: url };
}

/**
 * The trusted root to verify with: `file`, else `SIGNET_TRUSTED_ROOT`, if given (a pinned root,
 * offline); else, with a TUF root (`tufRoot`), the `trusted_root.json` target of the CA's TUF
 * repository, checked from that root by `@sigstore/tuf` (M9: trust anchored in what the user
 * holds, key rotations followed through signed metadata); else from the CA, checked against the
 * cache (see {@link fetchTrustedRoot}); else, when the CA cannot be reached, the cached copy of
 * the last fetch (with a warning). Throws exit 4 when the CA is unreachable and nothing is cached.
 */
export async function loadTrustedRoot(
  ctx: CliContext,
  caUrl: string,
  flag?: string,
  tufRoot?: string,
): Promise<LoadedTrustedRoot> {
  const file = flag ?? (ctx.env.SIGNET_TRUSTED_ROOT || undefined);
  if (file !== undefined) {
    const json = await readJsonInput(file, 'trusted root');
    return {
      json: json as Record<string, unknown>,
      root: parseTrustedRoot(json, file),
      source: file,
    };
  }
  if (tufRoot !== undefined) return tufTrustedRoot(ctx, caUrl, tufRoot);
  try {
    return await fetchTrustedRoot(ctx, caUrl);
  } catch (err) {
    if (!(err instanceof CliError) || err.exitCode !== ExitCode.unavailable) throw err;
    const cache = trustedRootCachePath(ctx.env, caUrl);
    const fetchedAt = await stat(cache).then(
      (s) => s.mtime.toISOString(),
      () => undefined,
    );
    if (fetchedAt === undefined) throw err;
    ctx.status(`warning: ${err.message}; using the trusted root cached at ${fetchedAt}`);
    const json = await readJsonInput(cache, 'cached trusted root');
    return {
      json: json as Record<string, unknown>,
      root: parseTrustedRoot(json, cache),
      source: cache,
    };
  }
}

/**
 * The CA's `trusted_root.json` through its TUF repository (`<ca>/tuf`), starting from `rootPath`
 * and caching the verified metadata beside the trusted-root cache. Any failure of the TUF checks
 * (a signature, a threshold, a rollback, an expiry, a target hash) is a failed verification.
 */
export async function tufTrustedRoot(
  ctx: CliContext,
  caUrl: string,
  rootPath: string,
): Promise<LoadedTrustedRoot> {
  const mirrorURL = `${caUrl}/tuf`;
  let json: unknown;
  try {
    // One metadata cache per anchor: @sigstore/tuf reads rootPath only to seed an empty cache, so
    // a cache shared between roots would keep trusting the first one given.
    const anchor = createHash('sha256')
      .update(await readFile(rootPath))
      .digest('hex')
      .slice(0, 16);
    const root = await getTrustedRoot({
      mirrorURL,
      rootPath,
      cachePath: join(dirname(trustedRootCachePath(ctx.env, caUrl)), 'tuf', anchor),
      retry: false,
      timeout: 10_000,
    });
    json = TrustedRoot.toJSON(root);
  } catch (err) {
    throw verificationFailed(
      `the trusted root could not be had through TUF from ${mirrorURL} with root ${rootPath}: ${(err as Error).message}`,
      'TUF_ERROR',
      err,
    );
  }
  return {
    json: json as Record<string, unknown>,
    root: parseTrustedRoot(json, `${mirrorURL} (TUF)`),
    source: mirrorURL,
  };
}
