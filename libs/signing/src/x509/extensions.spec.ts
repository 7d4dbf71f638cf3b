import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AuthorityKeyIdentifier,
  ExtendedKeyUsage,
  Extension,
  KeyIdentifier,
  KeyUsage,
  SubjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import type { SignatureAlgorithm } from '../signer';
import { signatureAlgorithmIdentifier } from './algorithms';
import {
  authorityKeyIdExtension,
  codeSigningExtension,
  encodeExtension,
  keyUsageExtension,
  subjectKeyIdExtension,
} from './extensions';
import { FulcioOid, X509Oid } from './oids';

// The encoders are hand-written DER; @peculiar/asn1-schema (which they replaced on the issuance
// path, for speed) is the reference they must match byte for byte.
const hex = (bytes: Uint8Array | ArrayBuffer) => Buffer.from(new Uint8Array(bytes)).toString('hex');
const reference = (oid: string, critical: boolean, value: object | Uint8Array) =>
  hex(
    AsnConvert.serialize(
      new Extension({
        extnID: oid,
        critical,
        extnValue: new OctetString(
          value instanceof Uint8Array ? value : AsnConvert.serialize(value),
        ),
      }),
    ),
  );

describe(encodeExtension.name, () => {
  it.each([
    [FulcioOid.issuerV2, false, 5],
    [X509Oid.subjectAltName, true, 40],
    [FulcioOid.buildSignerUri, false, 300],
    ['2.999.1', true, 70_000],
  ])('encodes %s (critical %s, %d-byte value) as @peculiar/asn1-schema', (oid, critical, size) => {
    const value = new Uint8Array(size).map((_, i) => i % 251);
    expect(hex(encodeExtension(oid, critical, value))).toBe(reference(oid, critical, value));
  });
});

describe(keyUsageExtension.name, () => {
  it('encodes every combination of the nine flags as @peculiar/asn1-x509', () => {
    for (let flags = 0; flags < 512; flags++) {
      expect([flags, hex(keyUsageExtension(flags))]).toEqual([
        flags,
        reference(X509Oid.keyUsage, true, new KeyUsage(flags)),
      ]);
    }
  });

  it('is a critical named BIT STRING with trailing zero bits removed (X.690 §11.2.2)', () => {
    // digitalSignature is bit 0: one octet 0x80 with 7 unused bits.
    expect(hex(keyUsageExtension(1))).toBe('300e0603551d0f0101ff0404' + '03020780');
  });
});

describe(codeSigningExtension.name, () => {
  it('holds only id-kp-codeSigning, non-critical', () => {
    expect(hex(codeSigningExtension())).toBe(
      reference(X509Oid.extendedKeyUsage, false, new ExtendedKeyUsage([X509Oid.codeSigning])),
    );
  });
});

describe(subjectKeyIdExtension.name, () => {
  it('wraps the key identifier in an OCTET STRING', () => {
    const keyId = new Uint8Array(20).fill(0xab);
    expect(hex(subjectKeyIdExtension(keyId))).toBe(
      reference(X509Oid.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId)),
    );
  });
});

describe(authorityKeyIdExtension.name, () => {
  it('carries only [0] keyIdentifier', () => {
    const keyId = new Uint8Array(20).fill(0xcd);
    const value = new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyId) });
    expect(hex(authorityKeyIdExtension(keyId))).toBe(
      reference(X509Oid.authorityKeyIdentifier, false, value),
    );
  });
});

describe(signatureAlgorithmIdentifier.name, () => {
  it.each<[SignatureAlgorithm, string]>([
    ['ecdsa-p256-sha256', '1.2.840.10045.4.3.2'],
    ['ecdsa-p384-sha384', '1.2.840.10045.4.3.3'],
    ['ed25519', '1.3.101.112'],
    ['rsa-pkcs1-sha256', '1.2.840.113549.1.1.11'],
  ])('encodes %s as @peculiar/asn1-x509 (NULL parameters for RSA only)', (algorithm, oid) => {
    const identifier = new AlgorithmIdentifier({ algorithm: oid });
    if (algorithm === 'rsa-pkcs1-sha256') identifier.parameters = null;
    expect(hex(signatureAlgorithmIdentifier(algorithm))).toBe(
      hex(AsnConvert.serialize(identifier)),
    );
  });

  it('returns a copy each time', () => {
    signatureAlgorithmIdentifier('ed25519').fill(0);
    expect(hex(signatureAlgorithmIdentifier('ed25519'))).toBe('300506032b6570');
  });
});
