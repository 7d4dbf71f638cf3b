import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectAlternativeName } from '@peculiar/asn1-x509';
import { SigningError } from '../errors';
import { decodeUtf8String, DerTag, encodeElement, encodeOid, encodeUtf8String } from './der';
import { X509Oid } from './oids';
import { asParsedCertificate, type CertificateInput } from './parse';

/**
 * The one identity a Fulcio-profile leaf certifies (Fulcio `docs/certificate-specification.md`):
 * an email address (rfc822Name), a URI, or a username (otherName with type-id
 * 1.3.6.1.4.1.57264.1.7 and a UTF8String value).
 */
export type LeafSubjectAltName =
  | { readonly type: 'email'; readonly value: string }
  | { readonly type: 'uri'; readonly value: string }
  | { readonly type: 'otherName'; readonly value: string };

/** One GeneralName read back from a certificate (RFC 5280 §4.2.1.6). */
export type SubjectAltNameEntry =
  | { readonly type: 'email' | 'uri' | 'dns' | 'ip'; readonly value: string }
  /** `value` is the UTF8String when the otherName holds one, else null. */
  | { readonly type: 'otherName'; readonly typeId: string; readonly value: string | null };

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

function template(message: string): SigningError {
  return new SigningError('INVALID_CERTIFICATE_TEMPLATE', message);
}

/**
 * DER `SubjectAltName` extension value (GeneralNames with one name) for `san`. Throws
 * `INVALID_CERTIFICATE_TEMPLATE` when the value is empty, an email is not `local@domain` in
 * IA5 (ASCII) characters, or a URI is not absolute ASCII (RFC 5280 §4.2.1.6 forbids relative URIs).
 */
export function encodeSubjectAltName(san: LeafSubjectAltName): Uint8Array {
  let name: Uint8Array;
  switch (san.type) {
    case 'email':
      if (!PRINTABLE_ASCII.test(san.value) || !/^[^@]+@[^@]+$/.test(san.value)) {
        throw template(`SAN email "${san.value}" is not an ASCII local@domain address`);
      }
      name = encodeElement(GeneralNameTag.rfc822Name, Buffer.from(san.value, 'latin1'));
      break;
    case 'uri':
      if (!PRINTABLE_ASCII.test(san.value) || !/^[A-Za-z][A-Za-z0-9+.-]*:./.test(san.value)) {
        throw template(`SAN URI "${san.value}" is not an absolute ASCII URI`);
      }
      name = encodeElement(
        GeneralNameTag.uniformResourceIdentifier,
        Buffer.from(san.value, 'latin1'),
      );
      break;
    case 'otherName':
      if (san.value.length === 0) throw template('SAN otherName username is empty');
      name = encodeElement(
        GeneralNameTag.otherName,
        encodeOid(X509Oid.fulcioUsername),
        encodeElement(GeneralNameTag.otherNameValue, encodeUtf8String(san.value)),
      );
      break;
  }
  // GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName
  return encodeElement(DerTag.sequence, name);
}

/**
 * GeneralName choices as RFC 5280 Appendix A.2 tags them (IMPLICIT): `[0]` otherName
 * (constructed, its value `[0] EXPLICIT`), `[1]` rfc822Name and `[6]` URI (IA5String, primitive).
 */
const GeneralNameTag = {
  otherName: 0xa0,
  otherNameValue: 0xa0,
  rfc822Name: 0x81,
  uniformResourceIdentifier: 0x86,
} as const;

/**
 * Every email, URI, DNS, IP and otherName entry of the certificate's SubjectAltName, in order;
 * `[]` without the extension. Other GeneralName forms are skipped. Accepts the certificate parsed,
 * as DER or as PEM. Throws `INVALID_CERTIFICATE` for a malformed certificate or extension.
 */
export function subjectAltNames(certificate: CertificateInput): SubjectAltNameEntry[] {
  const extension = asParsedCertificate(certificate).extensions.find(
    (e) => e.oid === X509Oid.subjectAltName,
  );
  if (extension === undefined) return [];
  let names: SubjectAlternativeName;
  try {
    names = AsnConvert.parse(extension.value, SubjectAlternativeName);
  } catch (cause) {
    throw new SigningError('INVALID_CERTIFICATE', 'malformed subjectAltName', { cause });
  }
  const entries: SubjectAltNameEntry[] = [];
  for (const name of names) {
    if (name.rfc822Name !== undefined) entries.push({ type: 'email', value: name.rfc822Name });
    if (name.uniformResourceIdentifier !== undefined) {
      entries.push({ type: 'uri', value: name.uniformResourceIdentifier });
    }
    if (name.dNSName !== undefined) entries.push({ type: 'dns', value: name.dNSName });
    if (name.iPAddress !== undefined) entries.push({ type: 'ip', value: name.iPAddress });
    if (name.otherName !== undefined) {
      entries.push({
        type: 'otherName',
        typeId: name.otherName.typeId,
        value: utf8OrNull(new Uint8Array(name.otherName.value)),
      });
    }
  }
  return entries;
}

function utf8OrNull(der: Uint8Array): string | null {
  try {
    return decodeUtf8String(der);
  } catch {
    return null;
  }
}
