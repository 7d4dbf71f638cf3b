import 'reflect-metadata';
import { X509Certificate as NodeCertificate } from 'node:crypto';
import * as peculiar from '@peculiar/x509';
import { X509Certificate as SigstoreCertificate } from '@sigstore/core';
import type { SignatureAlgorithm } from '../signer';
import { bytesEqual } from './der';
import { buildLeaf, type LeafCertificateRequest } from './leaf';
import { FulcioOid, X509Oid } from './oids';
import { parseCertificate } from './parse';
import { subjectAltNames } from './san';
import { tbsFields } from './tbs';
import { tbsWithoutExtension } from './testing/tbs';
import { testLeafRequest, testPki, type TestPki } from './testing';
import { readFulcioExtensions } from './fulcio';
import type { SignedCertificateTimestamp } from './sct';

const now = new Date('2026-03-01T12:00:00Z');
const sct: SignedCertificateTimestamp = {
  version: 0,
  logId: new Uint8Array(32).fill(7),
  timestamp: BigInt(now.getTime()),
  extensions: new Uint8Array(0),
  hashAlgorithm: 4,
  signatureAlgorithm: 3,
  signature: Uint8Array.of(0x30, 0x00),
};

function request(pki: TestPki, overrides: Partial<LeafCertificateRequest> = {}) {
  return testLeafRequest(pki, now, overrides);
}

describe(buildLeaf.name, () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await testPki({ now });
  });

  it('builds a Fulcio-profile leaf that Node accepts as issued by the intermediate', async () => {
    const der = await buildLeaf(request(pki)).certificate([sct]);
    const leaf = new NodeCertificate(Buffer.from(der));
    const intermediate = new NodeCertificate(Buffer.from(pki.intermediate));
    expect(leaf.checkIssued(intermediate)).toBe(true);
    expect(leaf.verify(intermediate.publicKey)).toBe(true);
    expect(leaf.subject ?? '').toBe(''); // an empty subject: '' on Node 24, undefined before
    expect(leaf.subjectAltName).toBe('email:dev@example.com');
    expect(leaf.ca).toBe(false);
    expect(leaf.keyUsage).toEqual([X509Oid.codeSigning]);
    expect(leaf.validFrom).toBe('Mar  1 12:00:00 2026 GMT');
    expect(leaf.validTo).toBe('Mar  1 12:10:00 2026 GMT');
  });

  it('lays out extensions as Fulcio does, with the stated criticality, per @peculiar/x509', async () => {
    const der = await buildLeaf(request(pki)).certificate([sct]);
    const leaf = new peculiar.X509Certificate(der);
    const intermediate = new peculiar.X509Certificate(pki.intermediate);
    expect(leaf.extensions.map((e) => [e.type, e.critical])).toEqual([
      [X509Oid.keyUsage, true],
      [X509Oid.extendedKeyUsage, false],
      [X509Oid.subjectKeyIdentifier, false],
      [X509Oid.authorityKeyIdentifier, false],
      [X509Oid.subjectAltName, true],
      [FulcioOid.issuer, false],
      [FulcioOid.issuerV2, false],
      [FulcioOid.tokenSubject, false],
      [X509Oid.ctSctList, false],
    ]);
    const ku = leaf.getExtension(peculiar.KeyUsagesExtension);
    expect(ku?.usages).toBe(peculiar.KeyUsageFlags.digitalSignature);
    const aki = leaf.getExtension(peculiar.AuthorityKeyIdentifierExtension);
    const issuerSki = intermediate.getExtension(peculiar.SubjectKeyIdentifierExtension);
    expect(aki?.keyId).toBe(issuerSki?.keyId);
    expect(leaf.getExtension(peculiar.SubjectKeyIdentifierExtension)?.keyId).toHaveLength(40);
    expect(leaf.getExtension(peculiar.ExtendedKeyUsageExtension)?.usages).toEqual([
      X509Oid.codeSigning,
    ]);
    expect(leaf.issuer).toBe(intermediate.subject);
    expect(await leaf.verify({ publicKey: intermediate.publicKey, signatureOnly: true })).toBe(
      true,
    );
  });

  it('encodes the Sigstore extensions: raw bytes for .1, DER UTF8String for .8 and later', async () => {
    const leaf = parseCertificate(await buildLeaf(request(pki)).certificate());
    const value = (oid: string) =>
      Buffer.from(leaf.extensions.find((e) => e.oid === oid)!.value).toString('hex');
    const issuer = Buffer.from('https://accounts.example.com').toString('hex');
    expect(value(FulcioOid.issuer)).toBe(issuer);
    // 0x0c = UTF8String, 0x1c = 28 = the issuer URL's length.
    expect(value(FulcioOid.issuerV2)).toBe(`0c1c${issuer}`);
    expect(readFulcioExtensions(leaf)).toEqual(request(pki).extensions);
  });

  it('draws a positive 20-octet serial number each time', async () => {
    const serials = await Promise.all(
      Array.from({ length: 20 }, async () =>
        parseCertificate(await buildLeaf(request(pki)).precertificate()),
      ),
    );
    for (const leaf of serials) {
      const encoding = tbsFields(leaf.tbsCertificate).serialNumber;
      expect(encoding.slice(0, 2)).toEqual(Uint8Array.of(0x02, 20));
      expect(encoding[2]! & 0x80).toBe(0);
      expect(encoding[2]).not.toBe(0);
      expect(leaf.serialNumber).toBeGreaterThan(0n);
    }
    expect(new Set(serials.map((s) => s.serialNumber)).size).toBe(serials.length);
  });

  it('uses a caller-given serial number', async () => {
    const leaf = parseCertificate(
      await buildLeaf(request(pki, { serialNumber: 0x80n })).certificate(),
    );
    expect(leaf.serialNumber).toBe(0x80n);
    expect(tbsFields(leaf.tbsCertificate).serialNumber).toEqual(
      Uint8Array.of(0x02, 0x02, 0x00, 0x80),
    );
  });

  it('makes a precertificate whose TBS minus the poison equals the final TBS minus the SCT list', async () => {
    const template = buildLeaf(request(pki));
    const precertificate = await template.precertificate();
    const final = await template.certificate([sct, { ...sct, logId: new Uint8Array(32).fill(9) }]);
    const plain = await template.certificate();
    const pre = tbsWithoutExtension(precertificate, X509Oid.ctPoison);
    expect(Buffer.from(tbsWithoutExtension(final, X509Oid.ctSctList))).toEqual(Buffer.from(pre));
    expect(Buffer.from(parseCertificate(plain).tbsCertificate)).toEqual(Buffer.from(pre));
    expect(Buffer.from(template.tbsWithoutPoison)).toEqual(Buffer.from(pre));
    const positions = (der: Uint8Array) => parseCertificate(der).extensions.map((e) => e.oid);
    expect(positions(final).indexOf(X509Oid.ctSctList)).toBe(
      positions(precertificate).indexOf(X509Oid.ctPoison),
    );
  });

  it('marks the precertificate with a critical NULL poison that Node and @peculiar/x509 see', async () => {
    const precertificate = await buildLeaf(request(pki)).precertificate();
    const poison = parseCertificate(precertificate).extensions.find(
      (e) => e.oid === X509Oid.ctPoison,
    );
    expect(poison?.critical).toBe(true);
    expect(poison?.value).toEqual(Uint8Array.of(0x05, 0x00));
    expect(
      new peculiar.X509Certificate(precertificate).getExtension(X509Oid.ctPoison)?.critical,
    ).toBe(true);
    expect(
      new NodeCertificate(Buffer.from(precertificate)).verify(pki.intermediateSigner.publicKey),
    ).toBe(true);
  });

  it.each([
    [
      {
        type: 'uri',
        value: 'https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main',
      },
      'URI:https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main',
    ],
    // Node prints only the otherName types it knows; sigstore-js reads ours below.
    [{ type: 'otherName', value: 'alice!example.com' }, 'othername:<unsupported>'],
  ] as const)('puts a %j SAN in a critical extension', async (san, nodeForm) => {
    const der = await buildLeaf(request(pki, { subjectAltName: san })).certificate();
    expect(new NodeCertificate(Buffer.from(der)).subjectAltName).toBe(nodeForm);
    const sigstoreSan = SigstoreCertificate.parse(Buffer.from(der)).extSubjectAltName;
    if (san.type === 'otherName') {
      expect(sigstoreSan?.otherName(X509Oid.fulcioUsername)).toBe(san.value);
    } else {
      expect(sigstoreSan?.uri).toBe(san.value);
    }
    const parsed = parseCertificate(der);
    expect(parsed.extensions.find((e) => e.oid === X509Oid.subjectAltName)?.critical).toBe(true);
    const expected = san.type === 'uri' ? san : { ...san, typeId: X509Oid.fulcioUsername };
    expect(subjectAltNames(parsed)).toEqual([expected]);
  });

  it.each<[SignatureAlgorithm, string]>([
    ['ecdsa-p256-sha256', '1.2.840.10045.4.3.2'],
    ['ecdsa-p384-sha384', '1.2.840.10045.4.3.3'],
    ['ed25519', '1.3.101.112'],
    ['rsa-pkcs1-sha256', '1.2.840.113549.1.1.11'],
  ])('signs with the issuer key: %s gives signature algorithm %s', async (algorithm, oid) => {
    const local = await testPki({ now, intermediate: algorithm });
    const der = await buildLeaf(request(local)).certificate();
    expect(parseCertificate(der).signatureAlgorithm).toBe(oid);
    const node = new NodeCertificate(Buffer.from(der));
    expect(node.verify(local.intermediateSigner.publicKey)).toBe(true);
    expect(node.checkIssued(new NodeCertificate(Buffer.from(local.intermediate)))).toBe(true);
  });

  it('accepts the issuer as subject Name plus SKI and as a parsed certificate', async () => {
    const parsed = parseCertificate(pki.intermediate);
    const bySki = await buildLeaf(
      request(pki, {
        issuer: { subject: parsed.subject, subjectKeyId: parsed.subjectKeyId! },
        serialNumber: 5n,
      }),
    ).certificate();
    const byParsed = parseCertificate(
      await buildLeaf(request(pki, { issuer: parsed, serialNumber: 5n })).certificate(),
    );
    expect(bytesEqual(parseCertificate(bySki).issuer, byParsed.issuer)).toBe(true);
    expect(bytesEqual(parseCertificate(bySki).authorityKeyId!, byParsed.authorityKeyId!)).toBe(
      true,
    );
  });
});
