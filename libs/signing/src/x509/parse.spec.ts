import { signingError } from './matchers';
import { X509Certificate as SigstoreCertificate } from '@sigstore/core';
import { readFulcioExtensions } from './fulcio';
import { FulcioOid, X509Oid } from './oids';
import { describeCertificate, parseCertificate, type ParsedCertificate } from './parse';
import { certificatesFromPem, certificatesToPem } from './pem';
import { publicGoodIntermediatePem, publicGoodLeafPem } from './public-good.fixture';
import { subjectAltNames } from './san';

import { certificateParts, tbsFields } from './tbs';
import { tbsWithExtensionReplaced, tbsWithoutExtension } from './testing/tbs';
import { encodeExtension } from './extensions';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe(parseCertificate.name, () => {
  // Expected values read with `openssl x509 -noout -text` on the fixture.
  it('decodes the public-good Fulcio leaf', () => {
    const leaf = parseCertificate(publicGoodLeafPem);
    expect(leaf.version).toBe(3);
    expect(leaf.serialNumber.toString(16)).toBe('466f689fbcc3be13e63ddbd14a277c41cd56d271');
    expect(leaf.issuerName).toBe('O=sigstore.dev, CN=sigstore-intermediate');
    expect(leaf.subjectName).toBe('');
    expect(leaf.notBefore.toISOString()).toBe('2022-07-22T21:11:51.000Z');
    expect(leaf.notAfter.toISOString()).toBe('2022-07-22T21:21:51.000Z');
    expect(leaf.signatureAlgorithm).toBe('1.2.840.10045.4.3.3');
    expect(leaf.keyUsage).toEqual(new Set(['digitalSignature']));
    expect(leaf.basicConstraints).toBeUndefined();
    expect(hex(leaf.subjectKeyId!)).toBe('1ce0136e2e5cdf1b097582a9326905ffc40f557f');
    expect(hex(leaf.authorityKeyId!)).toBe('dfd3e9cf56241196f9a8d8e92855a2c62e18643f');
    expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(leaf.extensions.map((e) => [e.oid, e.critical])).toEqual([
      [X509Oid.keyUsage, true],
      [X509Oid.extendedKeyUsage, false],
      [X509Oid.subjectKeyIdentifier, false],
      [X509Oid.authorityKeyIdentifier, false],
      [X509Oid.subjectAltName, true],
      [FulcioOid.issuer, false],
      [X509Oid.ctSctList, false],
    ]);
    expect(describeCertificate(leaf)).toBe('serial 0x466f689fbcc3be13e63ddbd14a277c41cd56d271');
  });

  it('decodes the public-good intermediate', () => {
    const intermediate = parseCertificate(publicGoodIntermediatePem);
    expect(intermediate.basicConstraints).toEqual({ ca: true, pathLength: 0 });
    expect(intermediate.keyUsage).toEqual(new Set(['keyCertSign', 'crlSign']));
    expect(describeCertificate(intermediate)).toBe('"O=sigstore.dev, CN=sigstore-intermediate"');
  });

  it('takes DER as well as PEM', () => {
    const der = certificatesFromPem(publicGoodLeafPem)[0]!;
    expect(parseCertificate(der).tbsCertificate).toEqual(
      parseCertificate(publicGoodLeafPem).tbsCertificate,
    );
  });

  it('refuses PEM text with two certificates', () => {
    expect(() => parseCertificate(publicGoodLeafPem + publicGoodIntermediatePem)).toThrow(
      signingError('INVALID_CERTIFICATE', 'expected one PEM certificate, found 2'),
    );
  });

  it('refuses trailing bytes, and a signatureAlgorithm that differs from the TBS', () => {
    const der = certificatesFromPem(publicGoodLeafPem)[0]!;
    expect(() => parseCertificate(Uint8Array.of(...der, 0))).toThrow(
      signingError('INVALID_CERTIFICATE', 'malformed certificate: DER: 1 trailing bytes'),
    );
    // Swap the outer ecdsa-with-SHA384 (…04 03 03) for ecdsa-with-SHA256 (…04 03 02).
    const tampered = der.slice();
    const outer = certificateParts(tampered).signatureAlgorithm;
    outer[outer.length - 1] = 0x02;
    expect(() => parseCertificate(tampered)).toThrow(
      signingError(
        'INVALID_CERTIFICATE',
        'signatureAlgorithm differs from tbsCertificate.signature',
      ),
    );
  });
});

describe(subjectAltNames.name, () => {
  it('reads the email SAN of the public-good leaf, given as PEM', () => {
    expect(subjectAltNames(publicGoodLeafPem)).toEqual([
      { type: 'email', value: 'brian@dehamer.com' },
    ]);
  });

  it('returns [] without the extension', () => {
    expect(subjectAltNames(parseCertificate(publicGoodIntermediatePem))).toEqual([]);
  });
});

describe(readFulcioExtensions.name, () => {
  it('reads the raw-bytes issuer of the public-good leaf', () => {
    expect(readFulcioExtensions(parseCertificate(publicGoodLeafPem))).toEqual({
      [FulcioOid.issuer]: 'https://github.com/login/oauth',
    });
  });

  it('names an extension that is not a DER UTF8String', () => {
    const leaf = parseCertificate(publicGoodLeafPem);
    const broken: ParsedCertificate = {
      ...leaf,
      extensions: [
        {
          oid: FulcioOid.issuerV2,
          critical: false,
          value: Uint8Array.of(0x13, 1, 0x41),
          encoding: new Uint8Array(0),
        },
      ],
    };
    expect(() => readFulcioExtensions(broken)).toThrow(
      signingError(
        'INVALID_CERTIFICATE',
        'extension 1.3.6.1.4.1.57264.1.8 is not a DER UTF8String',
      ),
    );
  });
});

describe(tbsWithoutExtension.name, () => {
  it('matches the TBS sigstore-js rebuilds from a Go-encoded Fulcio certificate', () => {
    const der = certificatesFromPem(publicGoodLeafPem)[0]!;
    const clone = SigstoreCertificate.parse(Buffer.from(der));
    const index = clone.extensions.findIndex((e) => e.subs[0]!.toOID() === X509Oid.ctSctList);
    clone.extensions.splice(index, 1);
    expect(hex(tbsWithoutExtension(der, X509Oid.ctSctList))).toBe(
      hex(clone.tbsCertificate.toDER()),
    );
  });

  it('accepts a bare TBS and drops the [3] wrapper with the last extension', () => {
    let tbs = certificateParts(certificatesFromPem(publicGoodIntermediatePem)[0]!).tbsCertificate;
    for (const oid of parseCertificate(publicGoodIntermediatePem).extensions.map((e) => e.oid)) {
      tbs = tbsWithoutExtension(tbs, oid);
    }
    const fields = tbsFields(tbs);
    expect(fields.extensions).toEqual([]);
    // Nothing follows subjectPublicKeyInfo: no empty [3] { SEQUENCE {} } is left behind.
    expect(hex(tbs).endsWith(hex(fields.subjectPublicKeyInfo))).toBe(true);
  });

  it('refuses when the extension is absent', () => {
    expect(() =>
      tbsWithoutExtension(parseCertificate(publicGoodIntermediatePem).der, X509Oid.ctPoison),
    ).toThrow(
      signingError('INVALID_CERTIFICATE', 'extension 1.3.6.1.4.1.11129.2.4.3 is not present'),
    );
  });
});

describe(tbsWithExtensionReplaced.name, () => {
  it('swaps one extension in place', () => {
    const leaf = parseCertificate(publicGoodLeafPem);
    const replacement = encodeExtension(FulcioOid.issuer, false, Uint8Array.of(0x41));
    const swapped = tbsWithExtensionReplaced(leaf.tbsCertificate, FulcioOid.issuer, replacement);
    const before = tbsWithoutExtension(leaf.tbsCertificate, FulcioOid.issuer);
    expect(tbsWithoutExtension(swapped, FulcioOid.issuer)).toEqual(before);
    expect(hex(swapped)).toContain(hex(replacement));
  });
});

describe(certificatesToPem.name, () => {
  it('round-trips a chain through certificatesFromPem', () => {
    const chain = certificatesFromPem(publicGoodLeafPem + publicGoodIntermediatePem);
    const pem = certificatesToPem(chain);
    expect(pem.split('\n').every((line) => line.length <= 64)).toBe(true);
    expect(pem).toBe(`${publicGoodLeafPem.trim()}\n${publicGoodIntermediatePem.trim()}\n`);
    expect(certificatesFromPem(`explanatory text\n${pem}`)).toEqual(chain);
  });
});

describe(certificatesFromPem.name, () => {
  it.each([
    ['', 'no PEM CERTIFICATE block found'],
    [
      '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
      'PEM block is PUBLIC KEY, expected CERTIFICATE',
    ],
    [
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n',
      'PEM block BEGIN CERTIFICATE ends with END X509 CRL',
    ],
    [
      '-----BEGIN CERTIFICATE-----\nAA*A\n-----END CERTIFICATE-----\n',
      'PEM CERTIFICATE block is not valid base64',
    ],
    [
      '-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n',
      'PEM CERTIFICATE block is not valid base64',
    ],
  ])('refuses %j', (pem, message) => {
    expect(() => certificatesFromPem(pem)).toThrow(signingError('INVALID_CERTIFICATE', message));
  });
});
