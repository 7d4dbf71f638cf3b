import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  FileSigner,
  generateKeyPair,
  Pkcs11Signer,
  type Passphrase,
  type Signer,
  writeEncryptedPrivateKey,
} from '@app/signing';

/** Where a signing key lives, as configured (`LOG_KEY`, `CA_KEY`, …). */
export type KeyRef =
  | { kind: 'file'; path: string; passphrase: Passphrase }
  | {
      kind: 'pkcs11';
      modulePath: string;
      tokenLabel: string;
      keyLabel: string;
      pin: string | { file: string };
    };

/**
 * Parses a key reference: a path to an encrypted PKCS#8 PEM (optionally `file:`-prefixed), or
 * an RFC 7512 PKCS#11 URI `pkcs11:token=<label>;object=<key label>?module-path=<lib>&pin-value=<pin>`
 * (or `pin-source=<file>`). Throws an Error naming `variable` when it is malformed.
 */
export function parseKeyRef(
  variable: string,
  value: string,
  passphrase: Passphrase | undefined,
): KeyRef {
  if (!value.startsWith('pkcs11:')) {
    const path = value.startsWith('file:') ? value.slice('file:'.length) : value;
    if (passphrase === undefined) {
      throw new Error(
        `${variable}: a key file needs ${variable}_PASSPHRASE or ${variable}_PASSPHRASE_FILE`,
      );
    }
    return { kind: 'file', path, passphrase };
  }
  const [pathPart = '', query = ''] = value.slice('pkcs11:'.length).split('?', 2);
  const attrs = new Map(
    pathPart
      .split(';')
      .filter(Boolean)
      .map((kv) => splitPair(kv)),
  );
  const params = new Map(
    query
      .split('&')
      .filter(Boolean)
      .map((kv) => splitPair(kv)),
  );
  const need = (map: Map<string, string>, key: string): string => {
    const v = map.get(key);
    if (v === undefined || v === '') throw new Error(`${variable}: PKCS#11 URI lacks "${key}"`);
    return v;
  };
  const pinValue = params.get('pin-value');
  const pinSource = params.get('pin-source');
  if (pinValue === undefined && pinSource === undefined) {
    throw new Error(`${variable}: PKCS#11 URI needs pin-value or pin-source`);
  }
  return {
    kind: 'pkcs11',
    modulePath: need(params, 'module-path'),
    tokenLabel: need(attrs, 'token'),
    keyLabel: need(attrs, 'object'),
    pin: pinValue ?? { file: pinSource!.replace(/^file:/, '') },
  };
}

function splitPair(kv: string): [string, string] {
  const at = kv.indexOf('=');
  return at < 0 ? [kv, ''] : [kv.slice(0, at), decodeURIComponent(kv.slice(at + 1))];
}

/** Opens the signer a {@link KeyRef} names. */
export async function openSigner(ref: KeyRef): Promise<Signer> {
  if (ref.kind === 'file') return FileSigner.load(ref.path, ref.passphrase);
  const pin = typeof ref.pin === 'string' ? ref.pin : (await readFile(ref.pin.file, 'utf8')).trim();
  return Pkcs11Signer.open({
    modulePath: ref.modulePath,
    tokenLabel: ref.tokenLabel,
    pin,
    keyLabel: ref.keyLabel,
  });
}

/**
 * The development key `<dataDir>/keys/<name>.pem` (ECDSA P-256, encrypted with a generated
 * passphrase kept beside it, both 0600), created on first use. Safe when several processes
 * start at once: files are created atomically and never overwritten. Returns whether it was new.
 */
export async function developmentSigner(
  dataDir: string,
  name: string,
): Promise<{ signer: Signer; created: boolean }> {
  const keyPath = join(dataDir, 'keys', `${name}.pem`);
  const passphrasePath = join(dataDir, 'keys', `${name}.passphrase`);
  await mkdir(dirname(keyPath), { recursive: true, mode: 0o700 });
  const created = await createOnce(passphrasePath, async (tmp) => {
    await writeFile(tmp, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  });
  const passphrase = (await readFile(passphrasePath, 'utf8')).trim();
  await createOnce(keyPath, async (tmp) => {
    await writeEncryptedPrivateKey(
      tmp,
      generateKeyPair('ecdsa-p256-sha256').privateKey,
      passphrase,
    );
  });
  return { signer: await FileSigner.load(keyPath, { value: passphrase }), created };
}

/**
 * Writes `path` through a temporary file and an atomic link, so that a reader never sees it half
 * written and concurrent writers never overwrite each other; false when it already existed.
 */
export async function createOnce(
  path: string,
  write: (tmp: string) => Promise<void>,
): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await write(tmp);
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp);
  }
}
