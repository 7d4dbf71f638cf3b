import { signingError } from './matchers';
import 'reflect-metadata';
import { KeyObject, webcrypto } from 'node:crypto';
import * as peculiar from '@peculiar/x509';
import type { Signer } from '../signer';
import { buildIntermediateCertificate } from './ca';
import { verifyChain } from './chain';
import type { IssuerInput } from './issue';
import { buildLeaf } from './leaf';
import { parseCertificate } from './parse';
import { keySigner, testLeafRequest, testPki, testSigner, type TestPki } from './testing';

// The CA checks of verifyChain (RFC 5280 §4.2.1.3, §4.2.1.9), against intermediates built by us
// and by @peculiar/x509.

const now = new Date('2026-03-01T12:00:00Z');
const at = new Date(now.getTime() + 60_000);

function leafRequest(issuer: IssuerInput, issuerSigner: Signer) {
  return testLeafRequest({ intermediate: issuer, intermediateSigner: issuerSigner }, now, {
    serialNumber: 0xabcn,
  });
}

/** A CA certificate made by @peculiar/x509 under `root`, with the extensions a test needs. */
async function foreignCa(pki: TestPki, rootKey: KeyObject, extensions: peculiar.Extension[]) {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const signingKey = await webcrypto.subtle.importKey(
    'pkcs8',
    rootKey.export({ type: 'pkcs8', format: 'der' }),
    algorithm,
    false,
    ['sign'],
  );
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const certificate = await peculiar.X509CertificateGenerator.create({
    serialNumber: '0102',
    subject: 'CN=Foreign CA',
    issuer: new peculiar.X509Certificate(pki.root).subjectName,
    notBefore: pki.notBefore,
    notAfter: pki.notAfter,
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: algorithm,
    extensions: [
      ...extensions,
      await peculiar.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const der = new Uint8Array(certificate.rawData);
  const signer = keySigner(
    'ecdsa-p256-sha256',
    KeyObject.from(keys.privateKey),
    KeyObject.from(keys.publicKey),
  );
  const parsed = parseCertificate(der);
  const issuer = { subject: parsed.subject, subjectKeyId: parsed.subjectKeyId! };
  return { der, signer, issuer };
}

describe(verifyChain.name, () => {
  let pki: TestPki;
  let rootKey: KeyObject;
  beforeAll(async () => {
    pki = await testPki({ now });
    rootKey = pki.rootPrivateKey;
  });

  it('enforces pathLenConstraint', async () => {
    const lower = testSigner('ecdsa-p256-sha256');
    const second = await buildIntermediateCertificate({
      issuer: pki.intermediate,
      issuerSigner: pki.intermediateSigner,
      subject: { commonName: 'Second Intermediate' },
      subjectPublicKey: lower.publicKey,
      notBefore: pki.notBefore,
      notAfter: pki.notAfter,
    });
    const deep = await buildLeaf(leafRequest(second, lower)).certificate();
    expect(() => verifyChain(deep, [second, pki.intermediate], [pki.root], at)).toThrow(
      signingError(
        'INVALID_CHAIN',
        'intermediate 2 "O=Signet, CN=Signet Test Intermediate": pathLenConstraint 0 exceeded by 1 intermediate(s) below it',
      ),
    );
  });

  it.each([
    [
      'is not a CA',
      [new peculiar.BasicConstraintsExtension(false, undefined, true)],
      'not a CA (basicConstraints cA is not TRUE)',
    ],
    ['has no basicConstraints', [], 'not a CA (basicConstraints cA is not TRUE)'],
    [
      'lacks keyCertSign',
      [
        new peculiar.BasicConstraintsExtension(true, 0, true),
        new peculiar.KeyUsagesExtension(peculiar.KeyUsageFlags.digitalSignature, true),
      ],
      'keyUsage lacks keyCertSign',
    ],
  ])('rejects an intermediate that %s (made by @peculiar/x509)', async (_, extensions, check) => {
    const ca = await foreignCa(pki, rootKey, extensions);
    const issued = await buildLeaf(leafRequest(ca.issuer, ca.signer)).certificate();
    expect(() => verifyChain(issued, [ca.der], [pki.root], at)).toThrow(
      signingError('INVALID_CHAIN', `intermediate 1 "CN=Foreign CA": ${check}`),
    );
  });

  it('accepts a conforming intermediate made by @peculiar/x509', async () => {
    const ca = await foreignCa(pki, rootKey, [
      new peculiar.BasicConstraintsExtension(true, 0, true),
      new peculiar.KeyUsagesExtension(peculiar.KeyUsageFlags.keyCertSign, true),
    ]);
    const issued = await buildLeaf(leafRequest(ca.issuer, ca.signer)).certificate();
    expect(verifyChain(issued, [ca.der], [pki.root], at)).toHaveLength(3);
  });
});
