import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { Pkcs10CertificateRequestGenerator } from '@peculiar/x509';
import fc from 'fast-check';
import {
  domainError,
  fuzzAsync,
  keepsContractAsync,
  mutatedBytes,
  mutatedPem,
} from '@app/testing/fuzz';
import { CaError } from '../errors';
import { parseCsr } from './csr';

/**
 * `certificateSigningRequest` is the first thing the CA reads of a Fulcio v2 request: whatever
 * the client sends, `parseCsr` returns a key or throws a `CaError` (a 4xx), within the budget.
 */
describe('parseCsr on hostile input', () => {
  const refused = domainError(CaError);
  let ders: Uint8Array[];

  beforeAll(async () => {
    ders = [];
    for (const algorithm of [
      { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' },
      { name: 'Ed25519' },
    ] as const) {
      const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
        'sign',
        'verify',
      ])) as webcrypto.CryptoKeyPair;
      const csr = await Pkcs10CertificateRequestGenerator.create({
        name: 'CN=fuzz',
        keys,
        signingAlgorithm: algorithm,
      });
      ders.push(new Uint8Array(csr.rawData));
    }
  });

  const base64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64');

  it('parses the valid requests', async () => {
    for (const der of ders) {
      await expect(parseCsr(base64(der))).resolves.toMatchObject({ algorithm: expect.any(String) });
    }
  });

  it('refuses a request whose public key is unreadable with INVALID_KEY (seed 138013670)', async () => {
    // Found by the DER property (FUZZ_SEED=138013670): the curve OID's first byte zeroed. The
    // request still parses as PKCS#10, and Node's SPKI reader threw a SigningError: a 500.
    const seed138013670 =
      'MIHKMHECAQAwDzENMAsGA1UEAxMEZnV6ejBZMBMGByqGSM49AgEGCACGSM49AwEHA0IABJXumaZ4Eldz3CqggHFon87B' +
      'yGVX6DxTg0diC0sT9IAsxxe1uoeqeYRqtSdnJAOoDlLaYWiIIpXkhJhe/7FbH1OgADAKBggqhkjOPQQDAgNJADBGAiEA' +
      '97iltNPDf0LeOcWY/HydR4PZE3NADhQIKRT/Nxz9fI4CIQDr5vhvGcwP2tyWBy3NW6ZJ42GMOOJhcMmglMdsShzz0g==';
    await expect(parseCsr(seed138013670)).rejects.toThrow(
      new CaError(
        'INVALID_KEY',
        'certificateSigningRequest: its public key could not be parsed as a public key',
      ),
    );
  });

  it('answers every mutated DER request with a key or a CaError', async () => {
    await fuzzAsync(
      fc.asyncProperty(mutatedBytes(...ders), (der) =>
        keepsContractAsync(() => parseCsr(base64(der)), refused),
      ),
    );
  });

  it('answers every mutated PEM request with a key or a CaError', async () => {
    await fuzzAsync(
      fc.asyncProperty(mutatedPem('CERTIFICATE REQUEST', ...ders), (pem) =>
        keepsContractAsync(() => parseCsr(base64(pem)), refused),
      ),
    );
  });
});
