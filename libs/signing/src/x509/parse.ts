import type { KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AuthorityKeyIdentifier,
  BasicConstraints,
  ExtendedKeyUsage,
  KeyUsage,
  SubjectKeyIdentifier,
  Validity,
  type KeyUsageType,
} from '@peculiar/asn1-x509';
import { SigningError } from '../errors';
import { publicKeyFromSpki } from '../keys';
import { bytesEqual, contentOf, DerTag, hex, readSingle } from './der';
import { renderName } from './names';
import { X509Oid } from './oids';
import { certificatesFromPem } from './pem';
import { certificateParts, tbsFields, type RawExtension } from './tbs';

/** A certificate decoded into the fields Signet's CA, log and verifiers use (RFC 5280 §4.1). */
export interface ParsedCertificate {
  /** The certificate's DER encoding, exactly as given. */
  readonly der: Uint8Array;
  readonly tbsCertificate: Uint8Array;
  readonly version: number;
  /** The serial number (two's complement, so a malformed negative serial stays negative). */
  readonly serialNumber: bigint;
  /** DER Names, exactly as encoded (chaining compares these bytes). */
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  /** RFC 4514 renderings of the names, for messages only ("" for an empty name). */
  readonly issuerName: string;
  readonly subjectName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** DER SubjectPublicKeyInfo. */
  readonly subjectPublicKeyInfo: Uint8Array;
  readonly publicKey: KeyObject;
  /** OID of the outer signatureAlgorithm (equal to the TBS `signature` field). */
  readonly signatureAlgorithm: string;
  readonly signatureValue: Uint8Array;
  readonly extensions: readonly RawExtension[];
  /** RFC 5280 §4.2.1.9, absent when the extension is absent. */
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number };
  /** RFC 5280 §4.2.1.3, absent when the extension is absent. */
  readonly keyUsage?: ReadonlySet<KeyUsageType>;
  /** RFC 5280 §4.2.1.12 key purpose OIDs, absent when the extension is absent. */
  readonly extendedKeyUsage?: readonly string[];
  /** RFC 5280 §4.2.1.2 key identifier. */
  readonly subjectKeyId?: Uint8Array;
  /** RFC 5280 §4.2.1.1 `keyIdentifier`. */
  readonly authorityKeyId?: Uint8Array;
}

/**
 * Largest certificate {@link parseCertificate} reads: code-signing certificates are 1-2 KiB, and
 * the cap, with the parser's linear cost and the OID bounds, is what keeps the time spent on an
 * untrusted certificate bounded (a few milliseconds) whatever its shape.
 */
export const MAX_CERTIFICATE_BYTES = 16 * 1024;

/**
 * Parses one certificate given as DER bytes or as PEM text holding exactly one `CERTIFICATE`
 * block. Returns its decoded fields. Throws `INVALID_CERTIFICATE` (with the failing part named)
 * for DER over {@link MAX_CERTIFICATE_BYTES}, malformed DER, a version other than 3 with extensions, mismatched signature algorithm
 * fields (RFC 5280 §4.1.1.2), an unusable public key or a malformed standard extension.
 */
export function parseCertificate(pemOrDer: string | Uint8Array): ParsedCertificate {
  const der = typeof pemOrDer === 'string' ? singlePem(pemOrDer) : pemOrDer;
  if (der.length > MAX_CERTIFICATE_BYTES) {
    throw invalid(`certificate of ${der.length} bytes is larger than ${MAX_CERTIFICATE_BYTES}`);
  }
  const parts = certificateParts(der);
  const fields = tbsFields(parts.tbsCertificate);
  if (!bytesEqual(parts.signatureAlgorithm, fields.signature)) {
    throw invalid('signatureAlgorithm differs from tbsCertificate.signature');
  }
  const algorithm = decode('signatureAlgorithm', parts.signatureAlgorithm, AlgorithmIdentifier);
  const validity = decode('validity', fields.validity, Validity);
  const find = (oid: string) => fields.extensions.find((e) => e.oid === oid)?.value;
  const bc = find(X509Oid.basicConstraints);
  const ku = find(X509Oid.keyUsage);
  const eku = find(X509Oid.extendedKeyUsage);
  const ski = find(X509Oid.subjectKeyIdentifier);
  const aki = find(X509Oid.authorityKeyIdentifier);
  const basic = bc && decode('basicConstraints', bc, BasicConstraints);
  const akiValue = aki && decode('authorityKeyIdentifier', aki, AuthorityKeyIdentifier);
  let names: { issuer: string; subject: string } | undefined;
  // Rendered on first use: they serve messages only, and cost more than the rest of a parse.
  const rendered = () =>
    (names ??= { issuer: renderName(fields.issuer), subject: renderName(fields.subject) });
  return {
    der,
    tbsCertificate: parts.tbsCertificate,
    version: fields.version,
    serialNumber: decodeSerial(fields.serialNumber),
    issuer: fields.issuer,
    subject: fields.subject,
    get issuerName() {
      return rendered().issuer;
    },
    get subjectName() {
      return rendered().subject;
    },
    notBefore: validity.notBefore.getTime(),
    notAfter: validity.notAfter.getTime(),
    subjectPublicKeyInfo: fields.subjectPublicKeyInfo,
    publicKey: publicKeyOf(fields.subjectPublicKeyInfo),
    signatureAlgorithm: algorithm.algorithm,
    signatureValue: parts.signatureValue,
    extensions: fields.extensions,
    ...(basic && {
      basicConstraints: {
        ca: basic.cA,
        ...(basic.pathLenConstraint !== undefined && { pathLength: basic.pathLenConstraint }),
      },
    }),
    ...(ku && { keyUsage: new Set(decode('keyUsage', ku, KeyUsage).toJSON()) }),
    ...(eku && { extendedKeyUsage: [...decode('extendedKeyUsage', eku, ExtendedKeyUsage)] }),
    ...(ski && {
      subjectKeyId: new Uint8Array(
        decode('subjectKeyIdentifier', ski, SubjectKeyIdentifier).buffer,
      ),
    }),
    ...(akiValue?.keyIdentifier && {
      authorityKeyId: new Uint8Array(akiValue.keyIdentifier.buffer),
    }),
  };
}

/** A certificate as given to helpers that accept any form: parsed, DER bytes or PEM text. */
export type CertificateInput = ParsedCertificate | Uint8Array | string;

/** Returns `certificate` parsed (unchanged when it already is). Throws like {@link parseCertificate}. */
export function asParsedCertificate(certificate: CertificateInput): ParsedCertificate {
  return typeof certificate === 'string' || certificate instanceof Uint8Array
    ? parseCertificate(certificate)
    : certificate;
}

/** A short description of a certificate for error messages: its subject, else its serial. */
export function describeCertificate(certificate: ParsedCertificate): string {
  return certificate.subjectName !== ''
    ? `"${certificate.subjectName}"`
    : `serial 0x${certificate.serialNumber.toString(16)}`;
}

function singlePem(pem: string): Uint8Array {
  const blocks = certificatesFromPem(pem);
  if (blocks.length !== 1) throw invalid(`expected one PEM certificate, found ${blocks.length}`);
  return blocks[0]!;
}

function decode<T>(what: string, der: Uint8Array, type: new () => T): T {
  try {
    return AsnConvert.parse(der, type);
  } catch (cause) {
    throw invalid(`malformed ${what}`, cause);
  }
}

function decodeSerial(encoding: Uint8Array): bigint {
  const content = contentOf(encoding, readSingle(encoding, DerTag.integer));
  if (content.length === 0) throw invalid('empty serialNumber');
  const magnitude = BigInt(`0x${hex(content)}`);
  return content[0]! >= 0x80 ? magnitude - (1n << BigInt(content.length * 8)) : magnitude;
}

function publicKeyOf(spki: Uint8Array): KeyObject {
  try {
    return publicKeyFromSpki(spki);
  } catch (cause) {
    throw invalid('unsupported or malformed subjectPublicKeyInfo', cause);
  }
}

function invalid(message: string, cause?: unknown): SigningError {
  return new SigningError(
    'INVALID_CERTIFICATE',
    message,
    cause === undefined ? undefined : { cause },
  );
}
