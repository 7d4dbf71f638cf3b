/* One certificate per `signet image` run: sigstore-js's FulcioSigner asks the CA for a new
   certificate on every signature, but a run signs up to four payloads per image (statement and
   simple-signing payload, for each target). Both formats sign with an ECDSA P-256 key and carry
   the leaf certificate, so one certificate for one ephemeral key serves them all: fewer CA
   round trips, one identity check, one certificate to audit. */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { Signature, Signer } from '@sigstore/sign';

/** An ephemeral P-256 key that lives in memory for one run (sigstore-js's EphemeralSigner). */
export class EphemeralKey implements Signer {
  readonly #privateKey: KeyObject;
  readonly #publicKeyPem: string;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#privateKey = privateKey;
    this.#publicKeyPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  }

  sign(data: Buffer): Promise<Signature> {
    return Promise.resolve({
      signature: sign('sha256', data, this.#privateKey),
      key: { $case: 'publicKey', publicKey: this.#publicKeyPem },
    });
  }
}

/**
 * Signs the first payload through `certifying` (a FulcioSigner holding `key`), which gets the
 * certificate; every later payload is signed with `key` alone and carries that certificate.
 * Concurrent first calls share the one request. A failed request fails every waiting call.
 */
export class ReusedCertificateSigner implements Signer {
  #certificate: Promise<string> | undefined;

  constructor(
    private readonly certifying: Signer,
    private readonly key: Signer,
  ) {}

  async sign(data: Buffer): Promise<Signature> {
    if (this.#certificate === undefined) {
      const first = this.certifying.sign(data);
      this.#certificate = first.then((s) => {
        if (s.key.$case !== 'x509Certificate') throw new Error('the CA returned no certificate');
        return s.key.certificate;
      });
      // The caller of this first call gets its failure; later calls get it when they await.
      this.#certificate.catch(() => undefined);
      return first;
    }
    const certificate = await this.#certificate;
    const { signature } = await this.key.sign(data);
    return { signature, key: { $case: 'x509Certificate', certificate } };
  }
}
