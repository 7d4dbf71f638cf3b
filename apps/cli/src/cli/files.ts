/* Reading the files a command is given, with errors that name them. */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError, ExitCode } from './exit-codes';

/** The bytes of `path`; exit 2 naming `what` (e.g. "bundle") when it cannot be read. */
export async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new CliError(ExitCode.error, `cannot read ${what} ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** The JSON in `path`; exit 2 when it cannot be read or is not JSON. */
export async function readJsonInput(path: string, what: string): Promise<unknown> {
  const text = (await readInput(path, what)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(ExitCode.error, `${what} ${path} is not JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * The passphrase for new key files: read from `given`, or generated into `<dir>/passphrase`
 * (mode 0600, never overwritten) with a line saying so. Returns the file and the passphrase.
 */
export async function keyPassphrase(
  dir: string,
  given: string | undefined,
  out: (line: string) => void,
): Promise<{ file: string; passphrase: string }> {
  const file = given ?? join(dir, 'passphrase');
  if (given === undefined) {
    await writeFile(file, `${randomBytes(32).toString('base64url')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    out(`wrote a new passphrase to ${file}; keep it secret`);
  }
  return { file, passphrase: (await readFile(file, 'utf8')).trim() };
}
