import { KeyObject, randomBytes } from 'node:crypto';
import { SigningError } from '../errors';
import { publicKeyFromSpki, publicKeyToDer } from '../keys';
import type { Signer } from '../signer';
import { signAndCheck, signatureAlgorithmIdentifier } from './algorithms';
import { concatBytes, DerTag, encodeElement, encodePositiveInteger, encodeTime, hex } from './der';
import { parseCertificate, type ParsedCertificate } from './parse';
import { assembleCertificate, encodeTbs } from './tbs';

/**
 * The issuing CA of a new certificate: its DER certificate, the parsed certificate, or just the
 * two values the new certificate copies from it (subject Name DER and subjectKeyIdentifier).
 */
export type IssuerInput =
  | Uint8Array
  | ParsedCertificate
  | { readonly subject: Uint8Array; readonly subjectKeyId: Uint8Array };

/** What a new certificate takes from its issuer: the issuer Name and the AKI key identifier. */
export interface ResolvedIssuer {
  readonly name: Uint8Array;
  readonly keyId: Uint8Array;
}

function template(message: string): SigningError {
  return new SigningError('INVALID_CERTIFICATE_TEMPLATE', message);
}

/**
 * A fresh serial number: 160 random bits with the top bit clear (so the INTEGER is positive) and
 * a non-zero first octet (so it always encodes in exactly 20 octets, the RFC 5280 §4.1.2.2
 * maximum, and is never zero). About 152 bits of entropy, above CA/B Forum's 64.
 */
export function randomSerialNumber(): bigint {
  for (;;) {
    const bytes = randomBytes(20);
    bytes[0]! &= 0x7f;
    if (bytes[0] !== 0) return BigInt(`0x${hex(bytes)}`);
  }
}

/** INTEGER contents for a serial. Requires 0 < serial < 2^159 (positive, at most 20 octets). */
export function serialNumberContent(serial: bigint): Uint8Array {
  if (serial <= 0n || serial >= 1n << 159n) {
    throw template('serial number must be positive and fit in 20 octets (RFC 5280 §4.1.2.2)');
  }
  return encodePositiveInteger(serial);
}

/**
 * Canonical DER SubjectPublicKeyInfo of a public key given as a KeyObject or SPKI DER (what Node
 * exports for it, remembered per KeyObject by {@link publicKeyToDer}). Throws `INVALID_KEY` when
 * it is not a public key Node can read.
 */
export function subjectPublicKeyInfoOf(key: KeyObject | Uint8Array): Uint8Array {
  try {
    const object = key instanceof KeyObject ? key : publicKeyFromSpki(key);
    if (object.type !== 'public')
      throw new TypeError(`expected a public key, got a ${object.type} key`);
    return publicKeyToDer(object);
  } catch (cause) {
    throw new SigningError('INVALID_KEY', 'subject public key is not a usable public key', {
      cause,
    });
  }
}

/**
 * The issuer Name and key identifier for a certificate signed by `signer`. For a certificate
 * issuer, requires that it is a CA (basicConstraints cA), has a subjectKeyIdentifier, and that its
 * key is the signer's key; throws `INVALID_CERTIFICATE_TEMPLATE` or `INVALID_KEY` otherwise.
 */
export function resolveIssuer(issuer: IssuerInput, signer: Signer): ResolvedIssuer {
  if (!(issuer instanceof Uint8Array) && !('der' in issuer)) {
    return { name: issuer.subject, keyId: issuer.subjectKeyId };
  }
  const parsed = issuer instanceof Uint8Array ? parseCertificate(issuer) : issuer;
  if (parsed.basicConstraints?.ca !== true) throw template('issuer certificate is not a CA');
  if (parsed.subjectKeyId === undefined) {
    throw template('issuer certificate has no subjectKeyIdentifier');
  }
  if (!signer.publicKey.equals(parsed.publicKey)) {
    throw new SigningError(
      'INVALID_KEY',
      "issuer signer's public key is not the issuer certificate's key",
    );
  }
  return { name: parsed.subject, keyId: parsed.subjectKeyId };
}

/** Everything a TBSCertificate holds, already encoded where the caller owns the bytes. */
export interface TbsInput {
  readonly serialNumber: bigint;
  readonly signer: Signer;
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subjectPublicKeyInfo: Uint8Array;
  readonly extensions: readonly Uint8Array[];
}

/**
 * DER v3 TBSCertificate (RFC 5280 §4.1.2). Names and SPKI are copied byte for byte, so the issuer
 * Name always equals the issuer certificate's subject (chain building compares DER bytes). Times
 * are truncated to whole seconds. Throws `INVALID_CERTIFICATE_TEMPLATE` unless
 * notBefore < notAfter, both in years 0000-9999.
 */
export function encodeCertificateTbs(input: TbsInput): Uint8Array {
  const { head, extensions } = certificateTbsParts(input);
  return encodeTbs(head, extensions);
}

/**
 * The TBSCertificate of {@link encodeCertificateTbs} in two parts: `head`, every field before
 * the extensions, concatenated, and the extensions; `encodeTbs(head, extensions)` is the TBS.
 * Lets a caller encode variants that differ only in extensions (a precertificate and its final
 * certificate) without parsing a TBS back. Same preconditions and errors.
 */
export function certificateTbsParts(input: TbsInput): {
  head: Uint8Array;
  extensions: readonly Uint8Array[];
} {
  const { notBefore, notAfter } = input;
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    throw template('validity dates must be valid Dates');
  }
  if (Math.floor(notAfter.getTime() / 1000) <= Math.floor(notBefore.getTime() / 1000)) {
    throw template('notAfter must be later than notBefore');
  }
  for (const date of [notBefore, notAfter]) {
    const year = date.getUTCFullYear();
    if (year < 0 || year > 9999) throw template('validity dates must fall in years 0000-9999');
  }
  const head = concatBytes(
    VERSION_3,
    encodeElement(DerTag.integer, serialNumberContent(input.serialNumber)),
    signatureAlgorithmIdentifier(input.signer.algorithm),
    input.issuer,
    encodeElement(DerTag.sequence, encodeTime(notBefore), encodeTime(notAfter)),
    input.subject,
    input.subjectPublicKeyInfo,
  );
  return { head, extensions: input.extensions };
}

/** `version [0] EXPLICIT INTEGER v3(2)`. */
const VERSION_3 = encodeElement(DerTag.context0, encodeElement(DerTag.integer, Uint8Array.of(2)));

/**
 * Signs a TBSCertificate with the issuer's signer and returns the DER Certificate
 * (RFC 5280 §4.1.1). The algorithm must be the one the TBS names (it is, when the TBS came from
 * {@link encodeCertificateTbs} with the same signer). Throws `SIGNER_FAILURE`.
 */
export async function signTbs(tbs: Uint8Array, signer: Signer): Promise<Uint8Array> {
  const signature = await signAndCheck(signer, tbs);
  return assembleCertificate(tbs, signatureAlgorithmIdentifier(signer.algorithm), signature);
}
