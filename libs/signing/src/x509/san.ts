import { AsnConvert } from '@peculiar/asn1-schema';
import { GeneralName, OtherName, SubjectAlternativeName } from '@peculiar/asn1-x509';
import { SigningError } from '../errors';
import { decodeUtf8String, encodeUtf8String } from './der';
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
  let name: GeneralName;
  switch (san.type) {
    case 'email':
      if (!PRINTABLE_ASCII.test(san.value) || !/^[^@]+@[^@]+$/.test(san.value)) {
        throw template(`SAN email "${san.value}" is not an ASCII local@domain address`);
      }
      name = new GeneralName({ rfc822Name: san.value });
      break;
    case 'uri':
      if (!PRINTABLE_ASCII.test(san.value) || !/^[A-Za-z][A-Za-z0-9+.-]*:./.test(san.value)) {
        throw template(`SAN URI "${san.value}" is not an absolute ASCII URI`);
      }
      name = new GeneralName({ uniformResourceIdentifier: san.value });
      break;
    case 'otherName':
      if (san.value.length === 0) throw template('SAN otherName username is empty');
      name = new GeneralName({
        otherName: new OtherName({
          typeId: X509Oid.fulcioUsername,
          value: encodeUtf8String(san.value).slice().buffer,
        }),
      });
      break;
  }
  return new Uint8Array(AsnConvert.serialize(new SubjectAlternativeName([name])));
}

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
