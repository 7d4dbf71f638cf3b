import { SigningError } from '../errors';
import {
  childrenOf,
  contentOf,
  decodeOid,
  DerTag,
  encodeElement,
  encodingOf,
  readSingle,
  type DerElement,
} from './der';

/** The three parts of a DER Certificate (RFC 5280 §4.1), as views into the input. */
export interface CertificateParts {
  readonly tbsCertificate: Uint8Array;
  /** DER AlgorithmIdentifier. */
  readonly signatureAlgorithm: Uint8Array;
  /** The signature bits (BIT STRING contents without the unused-bits octet). */
  readonly signatureValue: Uint8Array;
}

/** One extension of a TBSCertificate (RFC 5280 §4.1.2.9), located in the TBS bytes. */
export interface RawExtension {
  readonly oid: string;
  readonly critical: boolean;
  /** Contents of `extnValue` (the DER of the extension's own value). */
  readonly value: Uint8Array;
  /** The whole Extension SEQUENCE. */
  readonly encoding: Uint8Array;
}

/** The fields of a TBSCertificate (RFC 5280 §4.1.2), each as its full DER encoding. */
export interface TbsFields {
  readonly version: number;
  readonly serialNumber: Uint8Array;
  readonly signature: Uint8Array;
  readonly issuer: Uint8Array;
  readonly validity: Uint8Array;
  readonly subject: Uint8Array;
  readonly subjectPublicKeyInfo: Uint8Array;
  readonly extensions: readonly RawExtension[];
  /** Every field before `extensions`, concatenated (what stays put when extensions change). */
  readonly head: Uint8Array;
}

function invalid(message: string): never {
  throw new SigningError('INVALID_CERTIFICATE', message);
}

/**
 * Splits a DER certificate into TBS, signature algorithm and signature (RFC 5280 §4.1.1).
 * Throws `INVALID_CERTIFICATE` if the outer structure is not that SEQUENCE.
 */
export function certificateParts(certificate: Uint8Array): CertificateParts {
  const root = wrap(() => readSingle(certificate, DerTag.sequence));
  const parts = wrap(() => childrenOf(certificate, root));
  const [tbs, algorithm, signature] = parts;
  if (
    parts.length !== 3 ||
    tbs?.tag !== DerTag.sequence ||
    algorithm?.tag !== DerTag.sequence ||
    signature?.tag !== DerTag.bitString
  ) {
    invalid('certificate is not SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }');
  }
  const bits = contentOf(certificate, signature);
  if (bits.length < 1 || bits[0] !== 0) invalid('signatureValue has unused bits');
  return {
    tbsCertificate: encodingOf(certificate, tbs),
    signatureAlgorithm: encodingOf(certificate, algorithm),
    signatureValue: bits.subarray(1),
  };
}

/**
 * Parses the fields of a DER TBSCertificate (RFC 5280 §4.1.2). Throws `INVALID_CERTIFICATE` for a
 * malformed layout, an extension list that is empty, or a repeated extension (§4.2).
 */
export function tbsFields(tbs: Uint8Array): TbsFields {
  const root = wrap(() => readSingle(tbs, DerTag.sequence));
  const fields = wrap(() => childrenOf(tbs, root));
  let i = 0;
  let version = 1;
  const first = fields[0];
  if (first?.tag === DerTag.context0) {
    const wrapper = contentOf(tbs, first);
    const content = contentOf(
      wrapper,
      wrap(() => readSingle(wrapper, DerTag.integer)),
    );
    if (content.length !== 1 || content[0]! > 2) invalid('unsupported certificate version');
    version = content[0]! + 1;
    i = 1;
  }
  // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
  const required = [DerTag.integer, ...Array<number>(5).fill(DerTag.sequence)];
  required.forEach((tag, k) => {
    if (fields[i + k]?.tag !== tag) invalid(`TBSCertificate field ${i + k} has the wrong type`);
  });
  const at = (k: number): DerElement => fields[i + k]!;
  let extensions: RawExtension[] = [];
  let headEnd = fields[fields.length - 1]!.end;
  let lastOptional = 0;
  for (const optional of fields.slice(i + 6)) {
    // [1] issuerUniqueID, [2] subjectUniqueID, [3] extensions: each at most once, in this order.
    const number = OPTIONAL_FIELDS[optional.tag];
    if (number === undefined || number <= lastOptional) {
      invalid(`unexpected TBSCertificate field with tag 0x${optional.tag.toString(16)}`);
    }
    lastOptional = number;
    if (number === 3) {
      if (version !== 3) invalid('extensions in a certificate that is not version 3');
      extensions = parseExtensions(tbs, optional);
      headEnd = optional.start;
    }
  }
  return {
    version,
    serialNumber: encodingOf(tbs, at(0)),
    signature: encodingOf(tbs, at(1)),
    issuer: encodingOf(tbs, at(2)),
    validity: encodingOf(tbs, at(3)),
    subject: encodingOf(tbs, at(4)),
    subjectPublicKeyInfo: encodingOf(tbs, at(5)),
    extensions,
    head: tbs.subarray(fields[0]!.start, headEnd),
  };
}

const OPTIONAL_FIELDS: Readonly<Record<number, number>> = {
  0x81: 1,
  0xa1: 1,
  0x82: 2,
  0xa2: 2,
  0xa3: 3,
};

function parseExtensions(tbs: Uint8Array, wrapper: DerElement): RawExtension[] {
  const [list, ...rest] = wrap(() => childrenOf(tbs, wrapper));
  if (list?.tag !== DerTag.sequence || rest.length > 0) invalid('extensions is not a SEQUENCE');
  const items = wrap(() => childrenOf(tbs, list));
  if (items.length === 0) invalid('extensions is an empty SEQUENCE');
  const seen = new Set<string>();
  return items.map((item) => {
    const parts = item.tag === DerTag.sequence ? wrap(() => childrenOf(tbs, item)) : [];
    const [id, second, third] = parts;
    const withCritical = parts.length === 3 && second?.tag === DerTag.boolean;
    const value = withCritical ? third : second;
    if (
      id?.tag !== DerTag.oid ||
      value?.tag !== DerTag.octetString ||
      parts.length !== (withCritical ? 3 : 2)
    ) {
      invalid('malformed Extension');
    }
    const flag = withCritical ? contentOf(tbs, second) : Uint8Array.of(0);
    if (flag.length !== 1 || (flag[0] !== 0 && flag[0] !== 0xff))
      invalid('malformed critical flag');
    const oid = wrap(() => decodeOid(contentOf(tbs, id)));
    if (seen.has(oid)) invalid(`extension ${oid} appears more than once`);
    seen.add(oid);
    return {
      oid,
      critical: flag[0] === 0xff,
      value: contentOf(tbs, value),
      encoding: encodingOf(tbs, item),
    };
  });
}

/** Re-encodes a TBSCertificate from its head and a new extension list (omitted when empty). */
export function encodeTbs(head: Uint8Array, extensions: readonly Uint8Array[]): Uint8Array {
  if (extensions.length === 0) return encodeElement(DerTag.sequence, head);
  const list = encodeElement(DerTag.sequence, ...extensions);
  return encodeElement(DerTag.sequence, head, encodeElement(DerTag.context3, list));
}

/** Assembles a DER Certificate from a TBS, a DER AlgorithmIdentifier and the signature bytes. */
export function assembleCertificate(
  tbs: Uint8Array,
  algorithm: Uint8Array,
  signature: Uint8Array,
): Uint8Array {
  const bits = encodeElement(DerTag.bitString, Uint8Array.of(0), signature);
  return encodeElement(DerTag.sequence, tbs, algorithm, bits);
}

function wrap<T>(read: () => T): T {
  try {
    return read();
  } catch (cause) {
    if (cause instanceof SigningError && cause.code === 'INVALID_CERTIFICATE') throw cause;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new SigningError('INVALID_CERTIFICATE', `malformed certificate: ${detail}`, { cause });
  }
}
