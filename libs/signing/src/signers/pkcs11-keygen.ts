import { SigningError } from '../errors';
import type { RsaModulusLength } from '../keys';
import type { SignatureAlgorithm } from '../signer';
import { Pkcs11Signer, type Pkcs11KeyOptions } from './pkcs11';
import {
  CKM_EC_EDWARDS_KEY_PAIR_GEN,
  describeKey,
  ecParamsOf,
  selectorTemplate,
} from './pkcs11-key';
import {
  acquirePkcs11Module,
  pkcs11Failure,
  releasePkcs11Module,
  type Pkcs11Module,
} from './pkcs11-module';
import { findObjects, openLoggedInSession } from './pkcs11-session';

/** What to generate with {@link generatePkcs11KeyPair}. */
export interface Pkcs11KeyGenOptions extends Pkcs11KeyOptions {
  algorithm: SignatureAlgorithm;
  /** RSA only; default 3072. */
  rsaModulusLength?: RsaModulusLength;
}

/**
 * Generates a key pair inside the token (`C_GenerateKeyPair`, PKCS#11 v2.40 §5.14): a
 * persistent, private, sensitive, non-extractable signing key and its public key object, both
 * carrying `keyLabel` / `keyId`. Used by `signet ca init`.
 *
 * @returns a signer opened on the new key.
 * @throws SigningError `INVALID_KEY` when neither `keyLabel` nor `keyId` is given or the token
 *   already holds an object with them (keys are never silently duplicated); otherwise as
 *   {@link Pkcs11Signer.open}.
 */
export async function generatePkcs11KeyPair(options: Pkcs11KeyGenOptions): Promise<Pkcs11Signer> {
  if (options.keyLabel === undefined && options.keyId === undefined) {
    throw new SigningError('INVALID_KEY', 'a PKCS#11 key needs a keyLabel or a keyId');
  }
  const module = await acquirePkcs11Module(options.modulePath);
  try {
    const session = openLoggedInSession(module, options.tokenLabel, options.pin, true);
    try {
      if (findObjects(module, session, selectorTemplate(module.binding, options)).length > 0) {
        throw new SigningError(
          'INVALID_KEY',
          `token "${options.tokenLabel}" already holds an object ${describeKey(options)}`,
        );
      }
      const { mechanism, publicTemplate } = keyGenParameters(module, options);
      const { binding } = module;
      const common = selectorTemplate(binding, options);
      const privateTemplate = [
        ...common,
        { type: binding.CKA_TOKEN, value: true },
        { type: binding.CKA_PRIVATE, value: true },
        { type: binding.CKA_SENSITIVE, value: true },
        { type: binding.CKA_EXTRACTABLE, value: false },
        { type: binding.CKA_SIGN, value: true },
      ];
      const publicAll = [
        ...common,
        ...publicTemplate,
        { type: binding.CKA_TOKEN, value: true },
        { type: binding.CKA_VERIFY, value: true },
      ];
      await module.api
        .C_GenerateKeyPairAsync(session, { mechanism }, publicAll, privateTemplate)
        .catch((cause: unknown) => {
          throw pkcs11Failure('C_GenerateKeyPair', cause);
        });
    } finally {
      module.api.C_CloseSession(session);
    }
  } finally {
    releasePkcs11Module(module);
  }
  return Pkcs11Signer.open(options);
}

function keyGenParameters(
  { binding }: Pkcs11Module,
  options: Pkcs11KeyGenOptions,
): { mechanism: number; publicTemplate: Array<{ type: number; value: Buffer | number }> } {
  switch (options.algorithm) {
    case 'ecdsa-p256-sha256':
    case 'ecdsa-p384-sha384':
      return {
        mechanism: binding.CKM_EC_KEY_PAIR_GEN,
        publicTemplate: [{ type: binding.CKA_EC_PARAMS, value: ecParamsOf(options.algorithm) }],
      };
    case 'ed25519':
      return {
        mechanism: CKM_EC_EDWARDS_KEY_PAIR_GEN,
        publicTemplate: [{ type: binding.CKA_EC_PARAMS, value: ecParamsOf('ed25519') }],
      };
    case 'rsa-pkcs1-sha256':
      return {
        mechanism: binding.CKM_RSA_PKCS_KEY_PAIR_GEN,
        publicTemplate: [
          { type: binding.CKA_MODULUS_BITS, value: options.rsaModulusLength ?? 3072 },
          { type: binding.CKA_PUBLIC_EXPONENT, value: Buffer.from([0x01, 0x00, 0x01]) },
        ],
      };
  }
}
