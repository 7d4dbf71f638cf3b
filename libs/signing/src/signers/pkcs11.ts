import { createHash, type KeyObject } from 'node:crypto';
import { ecdsaSignatureToDer } from '../ecdsa';
import { SigningError } from '../errors';
import { signatureAlgorithmOf, verifySignature } from '../keys';
import { digestOf, type SignatureAlgorithm, type Signer } from '../signer';
import {
  CKM_EDDSA,
  describeKey,
  readPublicKey,
  selectorTemplate,
  type KeySelector,
} from './pkcs11-key';
import {
  acquirePkcs11Module,
  pkcs11Failure,
  releasePkcs11Module,
  type Pkcs11Module,
} from './pkcs11-module';
import { findObjects, openLoggedInSession } from './pkcs11-session';

/** Where a PKCS#11 key lives: module, token, PIN, and the key's `CKA_LABEL` and/or `CKA_ID`. */
export interface Pkcs11KeyOptions extends KeySelector {
  /** Path of the PKCS#11 library, e.g. `/usr/lib/softhsm/libsofthsm2.so`. */
  modulePath: string;
  /** `CKA_LABEL` of the token (`TokenInfo.label`, trailing blanks ignored). */
  tokenLabel: string;
  /** User PIN (`CKU_USER`). */
  pin: string;
}

const SELF_TEST = Buffer.from('signet pkcs11 key pair self-test');

/**
 * A {@link Signer} whose private key stays inside a PKCS#11 token (PKCS#11 v2.40 §5.12).
 * ECDSA hashes in software and signs the digest with `CKM_ECDSA`, turning the token's `r || s`
 * into DER; Ed25519 uses `CKM_EDDSA`; RSA uses `CKM_SHA256_RSA_PKCS`. Signatures on one signer
 * run one at a time because a session holds a single active operation; open several signers
 * for parallelism. Call {@link close} when done.
 */
export class Pkcs11Signer implements Signer {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly module: Pkcs11Module,
    private readonly session: Buffer,
    private readonly privateKey: Buffer,
    readonly algorithm: SignatureAlgorithm,
    readonly publicKey: KeyObject,
  ) {}

  /**
   * Opens a session on the token, logs in, finds the private key and its public key object
   * by label and/or id, and checks with one signature that the two belong together.
   *
   * @throws SigningError `INVALID_KEY` when neither `keyLabel` nor `keyId` is given, when the
   *   selector matches several keys, or when private and public key do not match;
   *   `KEY_NOT_FOUND` when the token or a key is missing; `INVALID_PIN` when the PIN is wrong;
   *   `UNSUPPORTED_KEY` for unsupported key types; `SIGNER_FAILURE` when a PKCS#11 call fails.
   */
  static async open(options: Pkcs11KeyOptions): Promise<Pkcs11Signer> {
    if (options.keyLabel === undefined && options.keyId === undefined) {
      throw new SigningError('INVALID_KEY', 'a PKCS#11 key needs a keyLabel or a keyId');
    }
    const module = await acquirePkcs11Module(options.modulePath);
    let session: Buffer | undefined;
    try {
      session = openLoggedInSession(module, options.tokenLabel, options.pin, false);
      const template = selectorTemplate(module.binding, options, module.binding.CKO_PRIVATE_KEY);
      const handles = findObjects(module, session, template);
      const privateKey = handles[0];
      const where = `${describeKey(options)} on token "${options.tokenLabel}"`;
      if (privateKey === undefined) {
        throw new SigningError('KEY_NOT_FOUND', `no private key ${where}`);
      }
      if (handles.length > 1) {
        throw new SigningError(
          'INVALID_KEY',
          `${handles.length} private keys ${where}; expected one`,
        );
      }
      const publicKey = readPublicKey(module, session, options);
      const algorithm = signatureAlgorithmOf(publicKey);
      requireMechanism(module, session, algorithm, options.tokenLabel);
      const signer = new Pkcs11Signer(module, session, privateKey, algorithm, publicKey);
      if (!verifySignature(publicKey, SELF_TEST, await signer.sign(SELF_TEST))) {
        throw new SigningError(
          'INVALID_KEY',
          `private and public key ${describeKey(options)} do not match`,
        );
      }
      return signer;
    } catch (error) {
      if (session !== undefined) module.api.C_CloseSession(session);
      releasePkcs11Module(module);
      throw error;
    }
  }

  /** Signs `data` (the message, not a digest) in the token. */
  sign(data: Uint8Array): Promise<Uint8Array> {
    const result = this.queue.then(() => this.signNow(data));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Waits for pending signatures, then closes the session and releases the module. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    try {
      this.module.api.C_CloseSession(this.session);
    } finally {
      releasePkcs11Module(this.module);
    }
  }

  private async signNow(data: Uint8Array): Promise<Uint8Array> {
    if (this.closed) throw new SigningError('SIGNER_FAILURE', 'the PKCS#11 signer is closed');
    const { api, binding } = this.module;
    const mechanism = mechanismOf(this.module, this.algorithm);
    const digest = digestOf(this.algorithm);
    // Tokens differ in which hash-and-sign ECDSA mechanisms they offer; bare CKM_ECDSA over a
    // digest computed here works everywhere.
    const input =
      mechanism === binding.CKM_ECDSA && digest !== null
        ? createHash(digest).update(data).digest()
        : Buffer.from(data);
    let signature: Buffer;
    try {
      api.C_SignInit(this.session, { mechanism }, this.privateKey);
      // 512 bytes holds the largest output: an RSA-4096 signature.
      signature = await api.C_SignAsync(this.session, input, Buffer.alloc(512));
    } catch (cause) {
      throw pkcs11Failure('signing', cause);
    }
    return mechanism === binding.CKM_ECDSA
      ? ecdsaSignatureToDer(signature)
      : new Uint8Array(signature);
  }
}

function mechanismOf({ binding }: Pkcs11Module, algorithm: SignatureAlgorithm): number {
  switch (algorithm) {
    case 'ecdsa-p256-sha256':
    case 'ecdsa-p384-sha384':
      return binding.CKM_ECDSA;
    case 'ed25519':
      return CKM_EDDSA;
    case 'rsa-pkcs1-sha256':
      return binding.CKM_SHA256_RSA_PKCS;
  }
}

function requireMechanism(
  module: Pkcs11Module,
  session: Buffer,
  algorithm: SignatureAlgorithm,
  tokenLabel: string,
): void {
  const mechanism = mechanismOf(module, algorithm);
  let supported: number[];
  try {
    supported = module.api.C_GetMechanismList(module.api.C_GetSessionInfo(session).slotID);
  } catch (cause) {
    throw pkcs11Failure('C_GetMechanismList', cause);
  }
  if (!supported.includes(mechanism)) {
    throw new SigningError(
      'UNSUPPORTED_KEY',
      `token "${tokenLabel}" does not offer mechanism 0x${mechanism.toString(16)} for ${algorithm}`,
    );
  }
}
