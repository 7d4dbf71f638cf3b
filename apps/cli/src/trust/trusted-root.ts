/* The instance's trusted root (Sigstore TrustedRoot JSON): from a file, from the CA, or from the
   cache of the last one fetched. */
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import type { CliContext } from '../cli/context';
import { CliError, ExitCode } from '../cli/exit-codes';
import { readJsonInput } from '../cli/files';
import { requestJson } from '../cli/http';

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

/** Parses trusted root JSON as @sigstore/verify will; exit 2 naming `from` when it cannot. */
export function parseTrustedRoot(json: unknown, from: string): TrustedRoot {
  try {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new Error('not a JSON object');
    }
    const root = TrustedRoot.fromJSON(json);
    if (root.tlogs.length === 0 || root.certificateAuthorities.length === 0) {
      throw new Error('it lists no transparency log or no certificate authority');
    }
    return root;
  } catch (err) {
    throw new CliError(
      ExitCode.error,
      `${from} is not a usable trusted root: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** Fetches `GET <ca>/api/v1/trustedRoot`, checks it parses, and caches it. */
export async function fetchTrustedRoot(ctx: CliContext, caUrl: string): Promise<LoadedTrustedRoot> {
  const url = `${caUrl}/api/v1/trustedRoot`;
  const json = await requestJson<Record<string, unknown>>(ctx, 'trusted root', url);
  const root = parseTrustedRoot(json, url);
  const cache = trustedRootCachePath(ctx.env, caUrl);
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
 * The trusted root to verify with: `file` if given (offline); else fresh from the CA; else,
 * when the CA cannot be reached, the cached copy of the last fetch (with a warning). Throws
 * exit 4 when the CA is unreachable and nothing is cached.
 */
export async function loadTrustedRoot(
  ctx: CliContext,
  caUrl: string,
  file?: string,
): Promise<LoadedTrustedRoot> {
  if (file !== undefined) {
    const json = await readJsonInput(file, 'trusted root');
    return {
      json: json as Record<string, unknown>,
      root: parseTrustedRoot(json, file),
      source: file,
    };
  }
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
