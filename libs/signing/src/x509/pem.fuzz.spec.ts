import fc from 'fast-check';
import {
  domainError,
  fuzz,
  keepsContract,
  mutatedBase64,
  mutatedBytes,
  mutatedPem,
} from '@app/testing/fuzz';
import { SigningError } from '../errors';
import { parsePublicKey, publicKeyFromSpki } from '../keys';
import { buildLeaf } from './leaf';
import { parseCertificate } from './parse';
import { certificatesFromPem, certificatesToPem } from './pem';
import { testLeafRequest, testPki, generateKeyPair } from './testing';

/**
 * PEM certificate chains (CT add-chain's JSON carries base64 DER, Rekor entries and `signet`
 * read PEM) and public keys (PEM or DER SPKI) from clients: each mutated input parses or is a
 * `SigningError`, within the budget; a chain round-trips through PEM.
 */
describe('PEM chains, DER certificates and public keys on hostile input', () => {
  const refused = domainError(SigningError);
  let chain: Uint8Array[];
  const spkis = (['ecdsa-p256-sha256', 'ed25519', 'rsa-pkcs1-sha256'] as const).map(
    (a) => new Uint8Array(generateKeyPair(a).publicKey.export({ type: 'spki', format: 'der' })),
  );

  beforeAll(async () => {
    const pki = await testPki();
    chain = [
      await buildLeaf(testLeafRequest(pki, new Date())).certificate(),
      pki.intermediate,
      pki.root,
    ];
  });

  it('round-trips the chain through PEM and parses each certificate', () => {
    const back = certificatesFromPem(certificatesToPem(chain));
    expect(back).toEqual(chain);
    for (const der of back) expect(parseCertificate(der).der).toEqual(der);
  });

  it('answers every mutated PEM chain with certificates or a SigningError', () => {
    fuzz(
      fc.property(mutatedPem('CERTIFICATE', ...chain), (pem) =>
        keepsContract(() => certificatesFromPem(pem).map(parseCertificate), refused),
      ),
    );
  });

  it('answers every mutated, truncated or spliced DER certificate likewise', () => {
    fuzz(
      fc.property(mutatedBytes(...chain), (der) =>
        keepsContract(() => parseCertificate(der), refused),
      ),
    );
  });

  it('answers every mutated public key, PEM, DER or base64, with a key or a SigningError', () => {
    fuzz(
      fc.property(
        fc.oneof(
          mutatedPem('PUBLIC KEY', ...spkis),
          mutatedBytes(...spkis),
          mutatedBase64(...spkis).map((b) => Buffer.from(b, 'base64')),
        ),
        (input) =>
          keepsContract(() => {
            parsePublicKey(input);
            if (typeof input !== 'string') publicKeyFromSpki(input);
          }, refused),
      ),
    );
  });
});
