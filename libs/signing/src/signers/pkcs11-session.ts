import { createHash, timingSafeEqual } from 'node:crypto';
import type * as Pkcs11 from 'pkcs11js';
import { SigningError } from '../errors';
import { codeOf, pkcs11Failure, type Pkcs11Module } from './pkcs11-module';

/** Digests of the PINs this process logged in with, per module and slot. */
const logins = new WeakMap<Pkcs11Module, Map<string, Buffer>>();

/**
 * Opens a session on the token labelled `tokenLabel` and logs the user in with `pin`
 * (PKCS#11 v2.40 §5.6, §5.5). The caller closes the session.
 *
 * @returns the session handle.
 * @throws SigningError `KEY_NOT_FOUND` when no token (or more than one) has that label;
 *   `INVALID_PIN` when the token rejects or has locked the PIN, or when the token is already
 *   logged in by this process with a different PIN; `SIGNER_FAILURE` otherwise.
 */
export function openLoggedInSession(
  module: Pkcs11Module,
  tokenLabel: string,
  pin: string,
  readWrite: boolean,
): Buffer {
  const { api, binding } = module;
  let slots: Buffer[];
  try {
    slots = api
      .C_GetSlotList(true)
      .filter((slot) => api.C_GetTokenInfo(slot).label.trimEnd() === tokenLabel);
  } catch (cause) {
    throw pkcs11Failure('token lookup', cause);
  }
  const slot = slots[0];
  if (slot === undefined || slots.length > 1) {
    const problem = slot === undefined ? 'no' : `${slots.length} tokens, expected one,`;
    throw new SigningError('KEY_NOT_FOUND', `${problem} PKCS#11 token labelled "${tokenLabel}"`);
  }
  let session: Buffer;
  try {
    const flags = binding.CKF_SERIAL_SESSION | (readWrite ? binding.CKF_RW_SESSION : 0);
    session = api.C_OpenSession(slot, flags);
  } catch (cause) {
    throw pkcs11Failure('C_OpenSession', cause);
  }
  try {
    api.C_Login(session, binding.CKU_USER, pin);
  } catch (cause) {
    const code = codeOf(cause);
    // Login state is per token and application, so a second signer finds it already done and
    // the token never sees its PIN: compare it with the PIN of the login that did happen.
    if (code === binding.CKR_USER_ALREADY_LOGGED_IN) {
      const known = logins.get(module)?.get(slotKey(slot));
      if (known === undefined || timingSafeEqual(known, pinDigest(pin))) return session;
      api.C_CloseSession(session);
      throw new SigningError(
        'INVALID_PIN',
        `token "${tokenLabel}" is logged in with a different PIN`,
      );
    }
    api.C_CloseSession(session);
    if (code === binding.CKR_PIN_LOCKED) {
      throw new SigningError('INVALID_PIN', `the PIN of token "${tokenLabel}" is locked`, {
        cause,
      });
    }
    if (
      [binding.CKR_PIN_INCORRECT, binding.CKR_PIN_INVALID, binding.CKR_PIN_LEN_RANGE].includes(code)
    ) {
      throw new SigningError('INVALID_PIN', `token "${tokenLabel}" rejected the PIN`, { cause });
    }
    throw pkcs11Failure('C_Login', cause);
  }
  const known = logins.get(module) ?? new Map<string, Buffer>();
  known.set(slotKey(slot), pinDigest(pin));
  logins.set(module, known);
  return session;
}

function slotKey(slot: Buffer): string {
  return slot.toString('hex');
}

function pinDigest(pin: string): Buffer {
  return createHash('sha256').update(pin).digest();
}

/** Returns the handles of every object on the session's token matching `template`. */
export function findObjects(
  module: Pkcs11Module,
  session: Buffer,
  template: Pkcs11.Template,
): Buffer[] {
  const { api } = module;
  try {
    api.C_FindObjectsInit(session, template);
    try {
      return api.C_FindObjects(session, 16);
    } finally {
      api.C_FindObjectsFinal(session);
    }
  } catch (cause) {
    throw pkcs11Failure('C_FindObjects', cause);
  }
}
