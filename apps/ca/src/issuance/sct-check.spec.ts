import { publicKeyToDer, signSct, type CtLogEntry } from '@app/signing';
import { testSigner } from '@app/signing/x509/testing';
import { CtLogKeys } from './sct-check';

// Security review L12: the CA embedded whatever SCT the CT log answered, so an on-path attacker
// on an http CA_LOG_URL could make it issue certificates that never verify.
describe(CtLogKeys.name, () => {
  const entry: CtLogEntry = {
    type: 'precert',
    issuerKeyHash: new Uint8Array(32).fill(7),
    tbsCertificate: Uint8Array.of(0x30, 0x00),
  };
  const log = testSigner('ecdsa-p256-sha256');
  const other = testSigner('ecdsa-p256-sha256');
  const spki = (signer: typeof log) => Buffer.from(publicKeyToDer(signer.publicKey));

  it('accepts an SCT signed by a CT log key the CA publishes', async () => {
    const keys = new CtLogKeys(() => Promise.resolve([spki(other), spki(log)]));
    const sct = await signSct(log, { timestamp: 1_700_000_000_000n, entry });
    await expect(keys.check(sct, entry)).resolves.toBeUndefined();
  });

  it('refuses (UNAVAILABLE) an SCT from a log ID the CA does not publish', async () => {
    let loads = 0;
    const keys = new CtLogKeys(() => Promise.resolve((loads++, [spki(log)])));
    const sct = await signSct(other, { timestamp: 1_700_000_000_000n, entry });
    await expect(keys.check(sct, entry)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: `the certificate transparency log answered with an SCT of log ID ${Buffer.from(sct.logId).toString('hex')}, not one of the CT logs this CA publishes; no certificate was issued`,
    });
    // An unknown log ID reloads the keys once (a CT tree created since), not on every request.
    expect(loads).toBe(2);
  });

  it('refuses (UNAVAILABLE) an SCT whose signature does not verify', async () => {
    const keys = new CtLogKeys(() => Promise.resolve([spki(log)]));
    const sct = await signSct(log, { timestamp: 1_700_000_000_000n, entry });
    await expect(
      keys.check({ ...sct, timestamp: sct.timestamp + 1n }, entry),
    ).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message:
        'the certificate transparency log answered with an SCT whose signature does not verify; no certificate was issued',
    });
  });
});
