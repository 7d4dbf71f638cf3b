import { createHash } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  ExtendedKeyUsage,
  Extension,
  KeyIdentifier,
  KeyUsage,
  type KeyUsageFlags,
  SubjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { SigningError } from '../errors';
import { contentOf, DerTag, encodeElement, readSingle, childrenOf } from './der';
import { X509Oid } from './oids';

/** DER `Extension` (RFC 5280 §4.1.2.9); `value` is the DER placed inside `extnValue`. */
export function encodeExtension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  const extension = new Extension({ extnID: oid, critical, extnValue: new OctetString(value) });
  return new Uint8Array(AsnConvert.serialize(extension));
}

/** Critical keyUsage (RFC 5280 §4.2.1.3) with the given flags. */
export function keyUsageExtension(flags: KeyUsageFlags): Uint8Array {
  return encodeExtension(X509Oid.keyUsage, true, serialize(new KeyUsage(flags)));
}

/** Critical basicConstraints `cA:TRUE` with an optional pathLenConstraint (RFC 5280 §4.2.1.9). */
export function caConstraintsExtension(pathLength?: number): Uint8Array {
  const value = new BasicConstraints({ cA: true });
  if (pathLength !== undefined) value.pathLenConstraint = pathLength;
  return encodeExtension(X509Oid.basicConstraints, true, serialize(value));
}

/** Non-critical extKeyUsage holding only id-kp-codeSigning (RFC 5280 §4.2.1.12). */
export function codeSigningExtension(): Uint8Array {
  return encodeExtension(
    X509Oid.extendedKeyUsage,
    false,
    serialize(new ExtendedKeyUsage([X509Oid.codeSigning])),
  );
}

/** Non-critical subjectKeyIdentifier (RFC 5280 §4.2.1.2). */
export function subjectKeyIdExtension(keyId: Uint8Array): Uint8Array {
  return encodeExtension(
    X509Oid.subjectKeyIdentifier,
    false,
    serialize(new SubjectKeyIdentifier(keyId)),
  );
}

/** Non-critical authorityKeyIdentifier carrying only `keyIdentifier` (RFC 5280 §4.2.1.1). */
export function authorityKeyIdExtension(keyId: Uint8Array): Uint8Array {
  const value = new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyId) });
  return encodeExtension(X509Oid.authorityKeyIdentifier, false, serialize(value));
}

/** The RFC 6962 §3.1 precertificate poison: critical, `extnValue` = DER NULL. */
export function poisonExtension(): Uint8Array {
  return encodeExtension(X509Oid.ctPoison, true, Uint8Array.of(DerTag.null, 0));
}

/**
 * The RFC 6962 §3.3 SCT list extension: non-critical, `extnValue` holds a DER OCTET STRING whose
 * contents are the TLS-encoded `SignedCertificateTimestampList` (hence two OCTET STRING layers).
 */
export function sctListExtension(tlsEncodedList: Uint8Array): Uint8Array {
  return encodeExtension(
    X509Oid.ctSctList,
    false,
    encodeElement(DerTag.octetString, tlsEncodedList),
  );
}

/**
 * The key identifier Signet puts in SKI/AKI for a DER SubjectPublicKeyInfo: the leftmost 160 bits
 * of SHA-256 over the subjectPublicKey BIT STRING contents, unused-bits octet excluded (RFC 7093
 * §2 method 1, the SHA-256 variant of RFC 5280 §4.2.1.2 method 1). Requires a well-formed SPKI.
 */
export function computeKeyIdentifier(subjectPublicKeyInfo: Uint8Array): Uint8Array {
  const spki = readSingle(subjectPublicKeyInfo, DerTag.sequence);
  const bits = childrenOf(subjectPublicKeyInfo, spki)[1];
  if (bits?.tag !== DerTag.bitString) {
    throw new SigningError(
      'INVALID_KEY',
      'SubjectPublicKeyInfo has no subjectPublicKey BIT STRING',
    );
  }
  const key = contentOf(subjectPublicKeyInfo, bits).subarray(1);
  return new Uint8Array(createHash('sha256').update(key).digest().subarray(0, 20));
}

function serialize(value: object): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(value));
}
