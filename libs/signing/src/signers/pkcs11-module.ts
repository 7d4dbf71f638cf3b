import { createRequire } from 'node:module';
import type * as Pkcs11 from 'pkcs11js';
import { SigningError } from '../errors';

/** The pkcs11js binding: its constants and the `PKCS11` class. */
export type Pkcs11Binding = typeof Pkcs11;

/**
 * One loaded and initialised PKCS#11 module, shared by every signer that uses the same library
 * path: `C_Initialize` may run only once per process per library (PKCS#11 v2.40 §5.4), so
 * each path is loaded once and finalised when its last user releases it.
 */
export interface Pkcs11Module {
  readonly path: string;
  readonly binding: Pkcs11Binding;
  readonly api: Pkcs11.PKCS11;
  /** False when something else in the process initialised the library first. */
  readonly ownsInitialisation: boolean;
}

interface Entry {
  module: Promise<Pkcs11Module>;
  users: number;
}

const modules = new Map<string, Entry>();

/**
 * Returns the shared module for the library at `path`, loading and initialising it on first
 * use (with `CKF_OS_LOCKING_OK`, since signatures run on libuv's thread pool). Pair every call
 * with {@link releasePkcs11Module}.
 *
 * @throws SigningError `SIGNER_FAILURE` when pkcs11js or the library cannot be loaded, or
 *   `C_Initialize` fails.
 */
export async function acquirePkcs11Module(path: string): Promise<Pkcs11Module> {
  let entry = modules.get(path);
  if (entry === undefined) {
    entry = { module: Promise.resolve().then(() => load(path)), users: 0 };
    modules.set(path, entry);
  }
  entry.users++;
  try {
    return await entry.module;
  } catch (error) {
    entry.users--;
    if (modules.get(path) === entry) modules.delete(path);
    throw error;
  }
}

function load(path: string): Pkcs11Module {
  let binding: Pkcs11Binding;
  try {
    // Loaded lazily so that processes without an HSM never load the native addon.
    binding = createRequire(__filename)('pkcs11js') as Pkcs11Binding;
  } catch (cause) {
    throw new SigningError('SIGNER_FAILURE', 'cannot load the pkcs11js native binding', { cause });
  }
  const api = new binding.PKCS11();
  try {
    api.load(path);
  } catch (cause) {
    throw new SigningError('SIGNER_FAILURE', `cannot load PKCS#11 module ${path}`, { cause });
  }
  try {
    api.C_Initialize({ flags: binding.CKF_OS_LOCKING_OK });
  } catch (cause) {
    if (codeOf(cause) !== binding.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      api.close();
      throw new SigningError('SIGNER_FAILURE', `C_Initialize failed for ${path}`, { cause });
    }
    return { path, binding, api, ownsInitialisation: false };
  }
  return { path, binding, api, ownsInitialisation: true };
}

/**
 * Drops one use of `module`; the last release finalises (`C_Finalize`) and unloads it, unless
 * this code did not initialise it. Requires every session of this user to be closed.
 */
export function releasePkcs11Module(module: Pkcs11Module): void {
  const entry = modules.get(module.path);
  if (entry === undefined || --entry.users > 0) return;
  modules.delete(module.path);
  if (module.ownsInitialisation) module.api.C_Finalize();
  module.api.close();
}

/** Returns the PKCS#11 return value (`CKR_*`) carried by a pkcs11js error, or -1. */
export function codeOf(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : -1;
}

/** Wraps a failed PKCS#11 call in a `SIGNER_FAILURE` naming the call and the `CKR_*` value. */
export function pkcs11Failure(action: string, cause: unknown): SigningError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new SigningError('SIGNER_FAILURE', `PKCS#11 ${action} failed: ${reason}`, { cause });
}
