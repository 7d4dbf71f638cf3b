import { signingError } from './matchers';
import 'reflect-metadata';
import * as peculiar from '@peculiar/x509';
import { X509Certificate as SigstoreCertificate } from '@sigstore/core';
import type { Signer } from '../signer';
import { buildIntermediateCertificate, buildRootCertificate } from './ca';
import { verifyChain } from './chain';
import type { IssuerInput } from './issue';
import { buildLeaf } from './leaf';
import { parseCertificate } from './parse';
import { publicGoodIntermediatePem, publicGoodLeafPem } from './public-good.fixture';
import { testLeafRequest, testPki, testSigner, type TestPki } from './testing';

// sigstore-js's path builder and checker (packages/verify/src/key/certificate.ts), not exported
// from the package index.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CertificateChainVerifier } = require('@sigstore/verify/dist/key/certificate') as {
  CertificateChainVerifier: new (opts: {
    trustedCerts: SigstoreCertificate[];
    untrustedCert: SigstoreCertificate;
    timestamp: Date;
  }) => { verify(): SigstoreCertificate[] };
};

const now = new Date('2026-03-01T12:00:00Z');
const at = new Date(now.getTime() + 60_000);

function leafRequest(issuer: IssuerInput, issuerSigner: Signer) {
  return testLeafRequest({ intermediate: issuer, intermediateSigner: issuerSigner }, now, {
    serialNumber: 0xabcn,
  });
}

describe(verifyChain.name, () => {
  let pki: TestPki;
  let leaf: Uint8Array;
  beforeAll(async () => {
    pki = await testPki({ now });
    leaf = await buildLeaf(leafRequest(pki.intermediate, pki.intermediateSigner)).certificate();
  });

  it('returns the path leaf → intermediate → root', () => {
    const path = verifyChain(leaf, [pki.intermediate], [pki.root], at);
    expect(path.map((c) => c.der)).toEqual([leaf, pki.intermediate, pki.root]);
  });

  it('agrees with @peculiar/x509 X509ChainBuilder and sigstore-js CertificateChainVerifier', async () => {
    const builder = new peculiar.X509ChainBuilder({
      certificates: [pki.root, pki.intermediate].map((d) => new peculiar.X509Certificate(d)),
    });
    const chain = await builder.build(new peculiar.X509Certificate(leaf));
    expect(chain.map((c) => new Uint8Array(c.rawData))).toEqual([leaf, pki.intermediate, pki.root]);
    const parse = (d: Uint8Array) => SigstoreCertificate.parse(Buffer.from(d));
    const verifier = new CertificateChainVerifier({
      trustedCerts: [parse(pki.intermediate), parse(pki.root)],
      untrustedCert: parse(leaf),
      timestamp: at,
    });
    expect(verifier.verify()).toHaveLength(3);
  });

  it('verifies a real public-good Fulcio leaf under its intermediate', () => {
    const path = verifyChain(
      parseCertificate(publicGoodLeafPem).der,
      [],
      [parseCertificate(publicGoodIntermediatePem).der],
      new Date('2022-07-22T21:15:00Z'),
    );
    expect(path.map((c) => c.subjectName)).toEqual([
      '',
      'O=sigstore.dev, CN=sigstore-intermediate',
    ]);
  });

  it('names the leaf whose issuer is missing', () => {
    expect(() => verifyChain(leaf, [], [pki.root], at)).toThrow(
      signingError(
        'INVALID_CHAIN',
        'leaf serial 0xabc: no trusted root or intermediate has subject "O=Signet, CN=Signet Test Intermediate"',
      ),
    );
  });

  it('detects an intermediate with the right name but another key', async () => {
    const impostor = await buildIntermediateCertificate({
      issuer: pki.root,
      issuerSigner: pki.rootSigner,
      subject: { organization: 'Signet', commonName: 'Signet Test Intermediate' },
      subjectPublicKey: testSigner('ecdsa-p384-sha384').publicKey,
      notBefore: pki.notBefore,
      notAfter: pki.notAfter,
    });
    expect(() => verifyChain(leaf, [impostor], [pki.root], at)).toThrow(
      signingError(
        'INVALID_CHAIN',
        'leaf serial 0xabc: authorityKeyIdentifier matches no subjectKeyIdentifier of the certificates named "O=Signet, CN=Signet Test Intermediate"',
      ),
    );
  });

  it('detects a signature that does not verify', async () => {
    const parsed = parseCertificate(pki.intermediate);
    const forged = await buildLeaf(
      leafRequest(
        { subject: parsed.subject, subjectKeyId: parsed.subjectKeyId! },
        testSigner('ecdsa-p384-sha384'),
      ),
    ).certificate();
    expect(() => verifyChain(forged, [pki.intermediate], [pki.root], at)).toThrow(
      signingError(
        'INVALID_CHAIN',
        'leaf serial 0xabc: signature does not verify with the key of issuer "O=Signet, CN=Signet Test Intermediate"',
      ),
    );
  });

  it.each([
    [
      new Date(now.getTime() - 1000),
      'leaf serial 0xabc: not yet valid at 2026-03-01T11:59:59.000Z (notBefore 2026-03-01T12:00:00.000Z)',
    ],
    [
      new Date(now.getTime() + 600_001),
      'leaf serial 0xabc: expired at 2026-03-01T12:10:00.001Z (notAfter 2026-03-01T12:10:00.000Z)',
    ],
  ])('checks the leaf validity at %s', (when, message) => {
    expect(() => verifyChain(leaf, [pki.intermediate], [pki.root], when)).toThrow(
      signingError('INVALID_CHAIN', message),
    );
  });

  it('accepts both validity bounds (inclusive)', () => {
    expect(verifyChain(leaf, [pki.intermediate], [pki.root], now)).toHaveLength(3);
    expect(
      verifyChain(leaf, [pki.intermediate], [pki.root], new Date(now.getTime() + 600_000)),
    ).toHaveLength(3);
  });

  it('checks the root validity too', async () => {
    const shortRoot = await buildRootCertificate({
      signer: pki.rootSigner,
      subject: { organization: 'Signet', commonName: 'Signet Test Root' },
      notBefore: pki.notBefore,
      notAfter: new Date(now.getTime() + 30_000),
    });
    expect(() => verifyChain(leaf, [pki.intermediate], [shortRoot], at)).toThrow(
      signingError(
        'INVALID_CHAIN',
        'root "O=Signet, CN=Signet Test Root": expired at 2026-03-01T12:01:00.000Z (notAfter 2026-03-01T12:00:30.000Z)',
      ),
    );
  });

  it('refuses a precertificate as a leaf', async () => {
    const precertificate = await buildLeaf(
      leafRequest(pki.intermediate, pki.intermediateSigner),
    ).precertificate();
    expect(() => verifyChain(precertificate, [pki.intermediate], [pki.root], at)).toThrow(
      signingError(
        'INVALID_CHAIN',
        'leaf serial 0xabc: unsupported critical extension 1.3.6.1.4.1.11129.2.4.3 (CT poison: a precertificate is not a certificate)',
      ),
    );
  });

  it('names an unparsable input', () => {
    expect(() => verifyChain(leaf, [Uint8Array.of(0x30, 0x00)], [pki.root], at)).toThrow(
      signingError(
        'INVALID_CERTIFICATE',
        'intermediate input 0: certificate is not SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }',
      ),
    );
  });
});
