import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

/** One static file of the console, held in memory. */
export interface ConsoleAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** Strong validator: a quoted SHA-256 prefix of the body. */
  readonly etag: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The files of `dir` (apps/ca/src/admin/console/assets, copied beside the compiled code by
 * `npm run build`), read once at boot: a request can only name one of them, so no path a client
 * sends ever reaches the file system. Throws when `dir` is missing or holds a file type the
 * console does not serve, so a broken build stops the CA at boot rather than unstyled pages.
 */
export function loadConsoleAssets(dir: string): ReadonlyMap<string, ConsoleAsset> {
  const assets = new Map<string, ConsoleAsset>();
  for (const name of readdirSync(dir).sort()) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType === undefined)
      throw new Error(`console asset ${join(dir, name)}: unknown type`);
    const body = readFileSync(join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(name, { body, contentType, etag });
  }
  return assets;
}

/** Where the console's assets are: beside this file, in source (tests) and in dist alike. */
export const CONSOLE_ASSETS_DIR = join(__dirname, 'assets');
