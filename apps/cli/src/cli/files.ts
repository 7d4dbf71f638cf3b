/* Reading the files a command is given, with errors that name them. */
import { readFile } from 'node:fs/promises';
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
