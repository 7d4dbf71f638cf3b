/* Reading the files a command is given and writing its outputs, with errors that name them. */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileSigner, generateKeyPair, writeEncryptedPrivateKey } from '@app/signing';
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

/** Writes `text` to `path`; exit 2 naming it when it cannot be written. */
export async function writeOutput(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (err) {
    throw new CliError(ExitCode.error, `cannot write ${path}: ${(err as Error).message}`, {
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
 * New ECDSA P-256 keys `<dir>/<name>-key.pem`, one per name (encrypted PKCS#8, mode 0600, never
 * overwritten), loaded as signers. The passphrase is read from `passphraseFile`, or generated
 * into `<dir>/passphrase` (mode 0600, never overwritten) with a line saying so; returns its file.
 */
export async function newEncryptedKeys<const Names extends readonly string[]>(
  dir: string,
  names: Names,
  passphraseFile: string | undefined,
  out: (line: string) => void,
): Promise<{ passphraseFile: string; signers: { [K in keyof Names]: FileSigner } }> {
  const file = passphraseFile ?? join(dir, 'passphrase');
  if (passphraseFile === undefined) {
    await writeFile(file, `${randomBytes(32).toString('base64url')}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    out(`wrote a new passphrase to ${file}; keep it secret`);
  }
  const passphrase = (await readFile(file, 'utf8')).trim();
  const signers: FileSigner[] = [];
  for (const name of names) {
    const path = join(dir, `${name}-key.pem`);
    await writeEncryptedPrivateKey(
      path,
      generateKeyPair('ecdsa-p256-sha256').privateKey,
      passphrase,
    );
    signers.push(await FileSigner.load(path, { value: passphrase }));
  }
  return { passphraseFile: file, signers: signers as { [K in keyof Names]: FileSigner } };
}
