import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { SigningError } from '../errors';
import { signatureAlgorithmOf } from '../keys';
import type { SignatureAlgorithm, Signer } from '../signer';
import { KeyObjectSigner } from './key-object';

/** A passphrase given inline, or the path of a file holding it (one trailing newline is dropped). */
export type Passphrase = { value: string } | { file: string };

const ENCRYPTED_PKCS8 = '-----BEGIN ENCRYPTED PRIVATE KEY-----';

/**
 * Returns the passphrase text: `value` as given, or the contents of `file` without one
 * trailing `\n` or `\r\n` (editors and `echo` add one).
 *
 * @throws SigningError `INVALID_PASSPHRASE` when the file cannot be read or the passphrase
 *   is empty.
 */
export async function readPassphrase(passphrase: Passphrase): Promise<string> {
  let text: string;
  if ('value' in passphrase) {
    text = passphrase.value;
  } else {
    try {
      text = (await readFile(passphrase.file, 'utf8')).replace(/\r?\n$/, '');
    } catch (cause) {
      throw new SigningError(
        'INVALID_PASSPHRASE',
        `cannot read passphrase file ${passphrase.file}`,
        { cause },
      );
    }
  }
  if (text.length === 0) {
    throw new SigningError('INVALID_PASSPHRASE', 'passphrase is empty');
  }
  return text;
}

/**
 * Decrypts an encrypted PKCS#8 PEM (`ENCRYPTED PRIVATE KEY`, RFC 5958 §3, RFC 7468 §11).
 * Unencrypted keys are refused so that a CA or log key never sits in clear on disk.
 *
 * @returns the private KeyObject, of a type {@link signatureAlgorithmOf} accepts.
 * @throws SigningError `INVALID_KEY` when `pem` is not an encrypted PKCS#8 PEM;
 *   `INVALID_PASSPHRASE` when the passphrase does not decrypt it; `UNSUPPORTED_KEY` when the
 *   key type is not supported.
 */
export function decryptPrivateKeyPem(pem: string, passphrase: string): KeyObject {
  if (!pem.trimStart().startsWith(ENCRYPTED_PKCS8)) {
    throw new SigningError(
      'INVALID_KEY',
      'private key is not an encrypted PKCS#8 PEM (BEGIN ENCRYPTED PRIVATE KEY)',
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem', passphrase });
  } catch (cause) {
    // A wrong passphrase usually fails the CBC padding check but can, rarely, yield garbage
    // that fails to parse instead; both mean the passphrase does not open this key.
    throw new SigningError('INVALID_PASSPHRASE', 'wrong passphrase for the encrypted private key', {
      cause,
    });
  }
  signatureAlgorithmOf(key);
  return key;
}

/**
 * Returns `privateKey` as an encrypted PKCS#8 PEM: PBES2 (RFC 8018 §6.2) with AES-256-CBC,
 * as written by `signet ca init` and read by {@link decryptPrivateKeyPem}.
 *
 * @throws SigningError `INVALID_PASSPHRASE` for an empty passphrase; `INVALID_KEY` for a
 *   public key.
 */
export function encryptPrivateKeyPem(privateKey: KeyObject, passphrase: string): string {
  if (privateKey.type !== 'private') {
    throw new SigningError('INVALID_KEY', `expected a private key, got a ${privateKey.type} key`);
  }
  if (passphrase.length === 0) {
    throw new SigningError('INVALID_PASSPHRASE', 'passphrase is empty');
  }
  return privateKey
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
    .toString();
}

/**
 * Writes `privateKey` to `path` as an encrypted PKCS#8 PEM, readable by the owner only (0600).
 *
 * @throws SigningError `SIGNER_FAILURE` when `path` already exists (a key is never
 *   overwritten) or cannot be written; otherwise as {@link encryptPrivateKeyPem}.
 */
export async function writeEncryptedPrivateKey(
  path: string,
  privateKey: KeyObject,
  passphrase: string,
): Promise<void> {
  const pem = encryptPrivateKeyPem(privateKey, passphrase);
  try {
    await writeFile(path, pem, { mode: 0o600, flag: 'wx' });
  } catch (cause) {
    const exists = (cause as NodeJS.ErrnoException).code === 'EEXIST';
    throw new SigningError(
      'SIGNER_FAILURE',
      exists ? `refusing to overwrite existing key file ${path}` : `cannot write key file ${path}`,
      { cause },
    );
  }
}

/**
 * A {@link Signer} whose private key is an encrypted PKCS#8 PEM file, decrypted once into
 * memory at load (Fulcio's `fileca` model, ca-peers §1.8).
 */
export class FileSigner implements Signer {
  readonly algorithm: SignatureAlgorithm;
  readonly publicKey: KeyObject;
  private readonly engine: KeyObjectSigner;

  private constructor(
    privateKey: KeyObject,
    /** The file the key was read from, or `undefined` when given as text. */
    readonly path: string | undefined,
  ) {
    this.engine = new KeyObjectSigner(privateKey);
    this.algorithm = this.engine.algorithm;
    this.publicKey = this.engine.publicKey;
  }

  /**
   * Reads and decrypts the key file at `path`.
   *
   * @throws SigningError `KEY_NOT_FOUND` when the file cannot be read; otherwise as
   *   {@link readPassphrase} and {@link decryptPrivateKeyPem}.
   */
  static async load(path: string, passphrase: Passphrase): Promise<FileSigner> {
    let pem: string;
    try {
      pem = await readFile(path, 'utf8');
    } catch (cause) {
      throw new SigningError('KEY_NOT_FOUND', `cannot read key file ${path}`, { cause });
    }
    return new FileSigner(decryptPrivateKeyPem(pem, await readPassphrase(passphrase)), path);
  }

  /** Decrypts a PEM already in memory; throws as {@link decryptPrivateKeyPem}. */
  static fromPem(pem: string, passphrase: string): FileSigner {
    return new FileSigner(decryptPrivateKeyPem(pem, passphrase), undefined);
  }

  /** Signs `data`; see {@link KeyObjectSigner.sign}. */
  sign(data: Uint8Array): Promise<Uint8Array> {
    return this.engine.sign(data);
  }
}
