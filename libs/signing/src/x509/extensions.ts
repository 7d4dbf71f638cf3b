import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { BasicConstraints, type KeyUsageFlags } from '@peculiar/asn1-x509';
import { SigningError } from '../errors';
import { childrenOf, contentOf, DerTag, encodeElement, encodeOid, readSingle } from './der';
import { X509Oid } from './oids';

/** `[0]` IMPLICIT on a primitive type (X.690 §8.1.2: context class, primitive, number 0). */
const CONTEXT_0_PRIMITIVE = 0x80;

const CRITICAL = Uint8Array.of(DerTag.boolean, 1, 0xff);

/**
 * DER `Extension` (RFC 5280 §4.1.2.9); `value` is the DER placed inside `extnValue`. A FALSE
 * critical flag is omitted (DER leaves out a DEFAULT value, X.690 §11.5). Throws
 * `INVALID_ENCODING` for a malformed OID.
 */
export function encodeExtension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  const extnValue = encodeElement(DerTag.octetString, value);
  return critical
    ? encodeElement(DerTag.sequence, encodeOid(oid), CRITICAL, extnValue)
    : encodeElement(DerTag.sequence, encodeOid(oid), extnValue);
}

/**
 * Critical keyUsage (RFC 5280 §4.2.1.3) with the given flags (bit `n` of `flags` is the named bit
 * `n`, as in {@link KeyUsageFlags}): a DER named BIT STRING, trailing zero bits removed
 * (X.690 §11.2.2).
 */
export function keyUsageExtension(flags: KeyUsageFlags): Uint8Array {
  const value = flags & 0x1ff;
  if (value === 0) {
    return encodeExtension(X509Oid.keyUsage, true, Uint8Array.of(DerTag.bitString, 1, 0));
  }
  const last = 31 - Math.clz32(value);
  const octets = new Uint8Array((last >> 3) + 1);
  for (let bit = 0; bit <= last; bit++) {
    if ((value & (1 << bit)) !== 0) octets[bit >> 3]! |= 0x80 >> (bit & 7);
  }
  const unused = 7 - (last & 7);
  return encodeExtension(
    X509Oid.keyUsage,
    true,
    encodeElement(DerTag.bitString, Uint8Array.of(unused), octets),
  );
}

/** Critical basicConstraints `cA:TRUE` with an optional pathLenConstraint (RFC 5280 §4.2.1.9). */
export function caConstraintsExtension(pathLength?: number): Uint8Array {
  const value = new BasicConstraints({ cA: true });
  if (pathLength !== undefined) value.pathLenConstraint = pathLength;
  return encodeExtension(
    X509Oid.basicConstraints,
    true,
    new Uint8Array(AsnConvert.serialize(value)),
  );
}

/** Non-critical extKeyUsage holding only id-kp-codeSigning (RFC 5280 §4.2.1.12). */
export function codeSigningExtension(): Uint8Array {
  return encodeExtension(
    X509Oid.extendedKeyUsage,
    false,
    encodeElement(DerTag.sequence, encodeOid(X509Oid.codeSigning)),
  );
}

/** Critical extKeyUsage holding only id-kp-timeStamping, as RFC 3161 §2.3 requires of a TSA. */
export function timeStampingExtension(): Uint8Array {
  return encodeExtension(
    X509Oid.extendedKeyUsage,
    true,
    encodeElement(DerTag.sequence, encodeOid(X509Oid.timeStamping)),
  );
}

/** Non-critical subjectKeyIdentifier (RFC 5280 §4.2.1.2): an OCTET STRING. */
export function subjectKeyIdExtension(keyId: Uint8Array): Uint8Array {
  return encodeExtension(
    X509Oid.subjectKeyIdentifier,
    false,
    encodeElement(DerTag.octetString, keyId),
  );
}

/**
 * Non-critical authorityKeyIdentifier carrying only `keyIdentifier` (RFC 5280 §4.2.1.1):
 * `SEQUENCE { [0] IMPLICIT OCTET STRING }`.
 */
export function authorityKeyIdExtension(keyId: Uint8Array): Uint8Array {
  const value = encodeElement(DerTag.sequence, encodeElement(CONTEXT_0_PRIMITIVE, keyId));
  return encodeExtension(X509Oid.authorityKeyIdentifier, false, value);
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
