import { signingError } from './matchers';
import { FulcioOid } from './oids';
import { buildLeaf, type LeafCertificateRequest } from './leaf';
import { testLeafRequest, testPki, type TestPki } from './testing';

const now = new Date('2026-03-01T12:00:00Z');

function request(pki: TestPki, overrides: Partial<LeafCertificateRequest> = {}) {
  return testLeafRequest(pki, now, overrides);
}

describe(buildLeaf.name, () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await testPki({ now });
  });

  describe('refuses', () => {
    it.each([
      [
        { subjectAltName: { type: 'email', value: 'not-an-address' } },
        'SAN email "not-an-address" is not an ASCII local@domain address',
      ],
      [
        { subjectAltName: { type: 'email', value: 'dév@example.com' } },
        'SAN email "dév@example.com" is not an ASCII local@domain address',
      ],
      [
        { subjectAltName: { type: 'uri', value: 'relative/path' } },
        'SAN URI "relative/path" is not an absolute ASCII URI',
      ],
      [{ subjectAltName: { type: 'otherName', value: '' } }, 'SAN otherName username is empty'],
      [
        { extensions: { '1.3.6.1.4.1.57264.1.7': 'x' } },
        '1.3.6.1.4.1.57264.1.7 is not a Sigstore certificate extension (1.3.6.1.4.1.57264.1.1-6 or .8 and above)',
      ],
      [
        { extensions: { '1.2.3.4': 'x' } },
        '1.2.3.4 is not a Sigstore certificate extension (1.3.6.1.4.1.57264.1.1-6 or .8 and above)',
      ],
      [
        { extensions: { [FulcioOid.issuerV2]: '' } },
        'extension 1.3.6.1.4.1.57264.1.8 has an empty value',
      ],
      [{ notAfter: now }, 'notAfter must be later than notBefore'],
      [
        { serialNumber: 0n },
        'serial number must be positive and fit in 20 octets (RFC 5280 §4.1.2.2)',
      ],
      [
        { serialNumber: 1n << 159n },
        'serial number must be positive and fit in 20 octets (RFC 5280 §4.1.2.2)',
      ],
    ] as const)('%p', (override, message) => {
      const build = () => buildLeaf(request(pki, override));
      expect(build).toThrow(signingError('INVALID_CERTIFICATE_TEMPLATE', message));
    });

    it('an issuer certificate that is not a CA', async () => {
      const leaf = await buildLeaf(request(pki)).certificate();
      expect(() => buildLeaf(request(pki, { issuer: leaf }))).toThrow(
        signingError('INVALID_CERTIFICATE_TEMPLATE', 'issuer certificate is not a CA'),
      );
    });

    it('a signer whose key is not the issuer certificate key', () => {
      expect(() => buildLeaf(request(pki, { issuerSigner: pki.rootSigner }))).toThrow(
        signingError(
          'INVALID_KEY',
          "issuer signer's public key is not the issuer certificate's key",
        ),
      );
    });

    it('a subject key that is not a public key', () => {
      expect(() => buildLeaf(request(pki, { subjectPublicKey: Uint8Array.of(1, 2, 3) }))).toThrow(
        signingError('INVALID_KEY', 'subject public key is not a usable public key'),
      );
    });

    it('an empty SCT list for the final certificate', async () => {
      await expect(buildLeaf(request(pki)).certificate([])).rejects.toThrow(
        signingError('INVALID_ENCODING', 'SCT: an SCT list holds at least one SCT'),
      );
    });

    it('a signer that returns signatures its own key does not verify', async () => {
      const broken = { ...pki.intermediateSigner, sign: () => Promise.resolve(new Uint8Array(64)) };
      await expect(
        buildLeaf(request(pki, { issuerSigner: broken })).precertificate(),
      ).rejects.toThrow(
        signingError(
          'SIGNER_FAILURE',
          'ecdsa-p384-sha384 signer returned a signature that does not verify under its public key',
        ),
      );
    });

    it('a signer that throws', async () => {
      const failing = {
        ...pki.intermediateSigner,
        sign: () => Promise.reject(new Error('HSM offline')),
      };
      await expect(
        buildLeaf(request(pki, { issuerSigner: failing })).certificate(),
      ).rejects.toThrow(signingError('SIGNER_FAILURE', 'ecdsa-p384-sha384 signer failed'));
    });
  });
});
