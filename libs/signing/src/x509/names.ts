import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AttributeTypeAndValue,
  AttributeValue,
  Name,
  RelativeDistinguishedName,
} from '@peculiar/asn1-x509';
import { SigningError } from '../errors';

/**
 * A CA subject, as Fulcio's certificate templates describe one. Each attribute becomes its own
 * RDN in the order country, organization, organizational unit, common name (RFC 5280 §4.1.2.4).
 */
export interface DistinguishedName {
  readonly country?: string;
  readonly organization?: string;
  readonly organizationalUnit?: string;
  readonly commonName: string;
}

const ATTRIBUTES = [
  ['country', '2.5.4.6'],
  ['organization', '2.5.4.10'],
  ['organizationalUnit', '2.5.4.11'],
  ['commonName', '2.5.4.3'],
] as const;

const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'E',
};

/**
 * DER Name for a {@link DistinguishedName} (UTF8String values, except the two-letter country,
 * which RFC 5280 Appendix A requires as PrintableString), or a DER Name returned unchanged.
 * Throws `INVALID_CERTIFICATE_TEMPLATE` for an empty common name or a country that is not two
 * upper-case letters.
 */
export function encodeName(name: DistinguishedName | Uint8Array): Uint8Array {
  if (name instanceof Uint8Array) return name;
  if (name.commonName.length === 0) {
    throw new SigningError('INVALID_CERTIFICATE_TEMPLATE', 'subject commonName is empty');
  }
  if (name.country !== undefined && !/^[A-Z]{2}$/.test(name.country)) {
    throw new SigningError(
      'INVALID_CERTIFICATE_TEMPLATE',
      `country "${name.country}" is not ISO 3166 alpha-2`,
    );
  }
  const rdns = ATTRIBUTES.flatMap(([field, type]) => {
    const text = name[field];
    if (text === undefined || text === '') return [];
    const value = new AttributeValue(
      field === 'country' ? { printableString: text } : { utf8String: text },
    );
    return [new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value })])];
  });
  return new Uint8Array(AsnConvert.serialize(new Name(rdns)));
}

/**
 * A readable rendering of a DER Name for messages: `type=value` per attribute, RDNs in encoded
 * order joined by ", " (RFC 4514 short names where known, dotted OIDs otherwise). Returns "" for
 * an empty Name. Throws `INVALID_CERTIFICATE` when the DER is not a Name.
 */
export function renderName(der: Uint8Array): string {
  let name: Name;
  try {
    name = AsnConvert.parse(der, Name);
  } catch (cause) {
    throw new SigningError('INVALID_CERTIFICATE', 'malformed Name', { cause });
  }
  return name
    .map((rdn) =>
      rdn.map((atv) => `${SHORT_NAMES[atv.type] ?? atv.type}=${atv.value.toString()}`).join('+'),
    )
    .join(', ');
}
