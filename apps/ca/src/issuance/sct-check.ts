import { createPublicKey, type KeyObject } from 'node:crypto';
import { ctLogId, type CtLogEntry, type SignedCertificateTimestamp, verifySct } from '@app/signing';
import { CaError } from '../errors';

/**
 * The CT log keys an SCT must verify with before the CA embeds it: those of the CT trees the CA
 * publishes in its trusted root, which is what clients check the embedded SCT against. An SCT
 * that fails here would give a certificate that never verifies (an on-path attacker on an http
 * `CA_LOG_URL` could inject one). `load` returns the DER SPKIs of the current CT trees; it is
 * called once, then again only when an SCT names a log ID not seen yet (a tree created since).
 */
export class CtLogKeys {
  private keys: Promise<Map<string, KeyObject>> | undefined;

  constructor(private readonly load: () => Promise<readonly Buffer[]>) {}

  /** Resolves when `sct` verifies over `entry`; rejects with UNAVAILABLE (503) otherwise. */
  async check(sct: SignedCertificateTimestamp, entry: CtLogEntry): Promise<void> {
    const id = Buffer.from(sct.logId).toString('hex');
    let key = (await this.current()).get(id);
    if (key === undefined) {
      this.keys = undefined;
      key = (await this.current()).get(id);
    }
    if (key === undefined) {
      throw new CaError(
        'UNAVAILABLE',
        `the certificate transparency log answered with an SCT of log ID ${id}, not one of the CT logs this CA publishes; no certificate was issued`,
      );
    }
    try {
      verifySct(sct, entry, key);
    } catch {
      throw new CaError(
        'UNAVAILABLE',
        'the certificate transparency log answered with an SCT whose signature does not verify; no certificate was issued',
      );
    }
  }

  private current(): Promise<Map<string, KeyObject>> {
    if (this.keys !== undefined) return this.keys;
    const loading = this.load().then(
      (spkis) =>
        new Map(
          spkis.map((der) => {
            const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
            return [Buffer.from(ctLogId(key)).toString('hex'), key] as const;
          }),
        ),
    );
    // A failed load is forgotten, so the next issuance retries it.
    loading.catch(() => {
      if (this.keys === loading) this.keys = undefined;
    });
    this.keys = loading;
    return loading;
  }
}
