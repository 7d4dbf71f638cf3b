import { signingError } from './matchers';
import 'reflect-metadata';
import { X509Certificate as NodeCertificate } from 'node:crypto';
import * as peculiar from '@peculiar/x509';
import { buildIntermediateCertificate, buildRootCertificate } from './ca';
import { computeKeyIdentifier } from './extensions';
import { X509Oid } from './oids';
import { parseCertificate } from './parse';
import { testSigner } from './testing';
import { subjectPublicKeyInfoOf } from './issue';

const notBefore = new Date('2026-01-01T00:00:00Z');
const notAfter = new Date('2036-01-01T00:00:00Z');

describe(buildRootCertificate.name, () => {
  it('builds a self-signed CA with keyCertSign|cRLSign and an SKI', async () => {
    const signer = testSigner('ecdsa-p384-sha384');
    const der = await buildRootCertificate({
      signer,
      subject: { country: 'US', organization: 'Signet', commonName: 'Signet Root' },
      notBefore,
      notAfter,
    });
    const node = new NodeCertificate(Buffer.from(der));
    expect(node.ca).toBe(true);
    expect(node.subject).toBe('C=US\nO=Signet\nCN=Signet Root');
    expect(node.checkIssued(node)).toBe(true);
    expect(node.verify(signer.publicKey)).toBe(true);
    expect(node.validTo).toBe('Jan  1 00:00:00 2036 GMT'); // after 2049 would switch to GeneralizedTime

    const cert = new peculiar.X509Certificate(der);
    expect(await cert.isSelfSigned()).toBe(true);
    expect(cert.getExtension(peculiar.BasicConstraintsExtension)).toMatchObject({
      ca: true,
      critical: true,
    });
    expect(cert.getExtension(peculiar.BasicConstraintsExtension)?.pathLength).toBeUndefined();
    const ku = cert.getExtension(peculiar.KeyUsagesExtension);
    expect(ku?.critical).toBe(true);
    expect(ku?.usages).toBe(peculiar.KeyUsageFlags.keyCertSign | peculiar.KeyUsageFlags.cRLSign);
    const ski = cert.getExtension(peculiar.SubjectKeyIdentifierExtension)?.keyId;
    expect(ski).toBe(
      Buffer.from(computeKeyIdentifier(subjectPublicKeyInfoOf(signer.publicKey))).toString('hex'),
    );
    expect(cert.getExtension(X509Oid.authorityKeyIdentifier)).toBeNull();
  });

  it.each([
    [{ commonName: '' }, 'subject commonName is empty'],
    [{ commonName: 'x', country: 'USA' }, 'country "USA" is not ISO 3166 alpha-2'],
    [Uint8Array.of(0x30, 0x00), 'CA subject is empty'],
  ])('refuses subject %p', async (subject, message) => {
    await expect(
      buildRootCertificate({ signer: testSigner('ed25519'), subject, notBefore, notAfter }),
    ).rejects.toThrow(signingError('INVALID_CERTIFICATE_TEMPLATE', message));
  });
});

describe(buildIntermediateCertificate.name, () => {
  it('builds a pathlen:0 codeSigning CA whose AKI is the root SKI', async () => {
    const rootSigner = testSigner('ecdsa-p256-sha256');
    const root = await buildRootCertificate({
      signer: rootSigner,
      subject: { commonName: 'R' },
      notBefore,
      notAfter,
    });
    const key = testSigner('ecdsa-p384-sha384').publicKey;
    const der = await buildIntermediateCertificate({
      issuer: root,
      issuerSigner: rootSigner,
      subject: { organization: 'Signet', commonName: 'Signet Intermediate' },
      subjectPublicKey: key.export({ type: 'spki', format: 'der' }),
      notBefore,
      notAfter,
    });
    const node = new NodeCertificate(Buffer.from(der));
    expect(node.ca).toBe(true);
    expect(node.checkIssued(new NodeCertificate(Buffer.from(root)))).toBe(true);
    expect(node.verify(rootSigner.publicKey)).toBe(true);
    expect(node.keyUsage).toEqual([X509Oid.codeSigning]);

    const cert = new peculiar.X509Certificate(der);
    expect(cert.getExtension(peculiar.BasicConstraintsExtension)).toMatchObject({
      ca: true,
      pathLength: 0,
    });
    expect(cert.getExtension(peculiar.KeyUsagesExtension)?.usages).toBe(
      peculiar.KeyUsageFlags.keyCertSign | peculiar.KeyUsageFlags.cRLSign,
    );
    expect(cert.getExtension(peculiar.AuthorityKeyIdentifierExtension)?.keyId).toBe(
      new peculiar.X509Certificate(root).getExtension(peculiar.SubjectKeyIdentifierExtension)
        ?.keyId,
    );
    expect(parseCertificate(der).extensions.map((e) => e.oid)).toEqual([
      X509Oid.keyUsage,
      X509Oid.extendedKeyUsage,
      X509Oid.basicConstraints,
      X509Oid.subjectKeyIdentifier,
      X509Oid.authorityKeyIdentifier,
    ]);
  });

  it('honours pathLength and codeSigning: false', async () => {
    const rootSigner = testSigner('ed25519');
    const root = await buildRootCertificate({
      signer: rootSigner,
      subject: { commonName: 'R' },
      notBefore,
      notAfter,
    });
    const der = await buildIntermediateCertificate({
      issuer: root,
      issuerSigner: rootSigner,
      subject: { commonName: 'I' },
      subjectPublicKey: testSigner('ed25519').publicKey,
      notBefore,
      notAfter,
      pathLength: 2,
      codeSigning: false,
    });
    const parsed = parseCertificate(der);
    expect(parsed.basicConstraints).toEqual({ ca: true, pathLength: 2 });
    expect(parsed.extensions.some((e) => e.oid === X509Oid.extendedKeyUsage)).toBe(false);
    expect(new NodeCertificate(Buffer.from(der)).verify(rootSigner.publicKey)).toBe(true);
  });

  it('refuses a negative pathLength', async () => {
    const rootSigner = testSigner('ecdsa-p256-sha256');
    const root = await buildRootCertificate({
      signer: rootSigner,
      subject: { commonName: 'R' },
      notBefore,
      notAfter,
    });
    await expect(
      buildIntermediateCertificate({
        issuer: root,
        issuerSigner: rootSigner,
        subject: { commonName: 'I' },
        subjectPublicKey: rootSigner.publicKey,
        notBefore,
        notAfter,
        pathLength: -1,
      }),
    ).rejects.toThrow(
      signingError('INVALID_CERTIFICATE_TEMPLATE', 'pathLength must be a non-negative integer'),
    );
  });
});
