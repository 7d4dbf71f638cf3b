import { sign as cryptoSign, type KeyObject } from 'node:crypto';
import { SigningError } from '../errors';
import { publicKeyOf, signatureAlgorithmOf } from '../keys';
import { digestOf, type SignatureAlgorithm, type Signer } from '../signer';

/**
 * A {@link Signer} over a private key held in this process as a Node KeyObject. Used directly
 * in tests and as the engine of {@link FileSigner}. Signatures follow {@link SignatureAlgorithm}:
 * ECDSA in ASN.1 DER (RFC 3279 §2.2.3), Ed25519 raw (RFC 8032 §5.1.6), RSA PKCS#1 v1.5
 * (RFC 8017 §8.2.1).
 */
export class KeyObjectSigner implements Signer {
  readonly algorithm: SignatureAlgorithm;
  readonly publicKey: KeyObject;

  /**
   * @param privateKey a private key of a type {@link signatureAlgorithmOf} accepts.
   * @throws SigningError `INVALID_KEY` when given a public key; `UNSUPPORTED_KEY` when the key
   *   type, curve or size is not supported.
   */
  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.type !== 'private') {
      throw new SigningError(
        'INVALID_KEY',
        `a signer needs a private key, got a ${privateKey.type} key`,
      );
    }
    this.algorithm = signatureAlgorithmOf(privateKey);
    this.publicKey = publicKeyOf(privateKey);
  }

  /** Signs `data` (the message; hashed here with the algorithm's digest). */
  sign(data: Uint8Array): Promise<Uint8Array> {
    // Synchronous on purpose: one P-256 signature costs ~30 µs, less than a threadpool hop.
    const signature = cryptoSign(digestOf(this.algorithm), data, {
      key: this.privateKey,
      dsaEncoding: 'der',
    });
    return Promise.resolve(new Uint8Array(signature));
  }
}
