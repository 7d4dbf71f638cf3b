import type { KeyObject } from 'node:crypto';
import { KeyUsageFlags } from '@peculiar/asn1-x509';
import { SigningError } from '../errors';
import type { Signer } from '../signer';
import {
  authorityKeyIdExtension,
  caConstraintsExtension,
  codeSigningExtension,
  computeKeyIdentifier,
  keyUsageExtension,
  subjectKeyIdExtension,
  timeStampingExtension,
} from './extensions';
import {
  encodeCertificateTbs,
  randomSerialNumber,
  resolveIssuer,
  signTbs,
  subjectPublicKeyInfoOf,
  type IssuerInput,
} from './issue';
import { encodeName, type DistinguishedName } from './names';

/** Parameters of a self-signed root CA certificate. */
export interface RootCertificateRequest {
  /** The root's key; the certificate certifies `signer.publicKey` and is signed by it. */
  readonly signer: Signer;
  /** The subject (also the issuer), structured or as DER Name; must not be empty. */
  readonly subject: DistinguishedName | Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Defaults to {@link randomSerialNumber}. */
  readonly serialNumber?: bigint;
}

/** Parameters of an intermediate CA certificate. */
export interface IntermediateCertificateRequest {
  readonly issuer: IssuerInput;
  readonly issuerSigner: Signer;
  readonly subject: DistinguishedName | Uint8Array;
  readonly subjectPublicKey: KeyObject | Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** basicConstraints pathLenConstraint; defaults to 0 (may only issue leaves), as Fulcio's. */
  readonly pathLength?: number;
  /** Adds EKU codeSigning, as Fulcio's intermediate has (EKU chaining); defaults to true. */
  readonly codeSigning?: boolean;
  readonly serialNumber?: bigint;
}

const CA_KEY_USAGE = KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign;

function subjectName(subject: DistinguishedName | Uint8Array): Uint8Array {
  const der = encodeName(subject);
  // An empty SEQUENCE: a CA must have a subject to be named as an issuer (RFC 5280 §4.1.2.6).
  if (der.length === 2)
    throw new SigningError('INVALID_CERTIFICATE_TEMPLATE', 'CA subject is empty');
  return der;
}

/**
 * Builds and signs a self-signed root CA certificate: basicConstraints critical cA:TRUE without
 * a path length, keyUsage critical keyCertSign|cRLSign, subjectKeyIdentifier (RFC 5280 §4.2.1,
 * Fulcio `pkg/certmaker` root template). Returns the DER certificate. Throws
 * `INVALID_CERTIFICATE_TEMPLATE` for an empty subject or bad validity, `SIGNER_FAILURE` if
 * signing fails.
 */
export async function buildRootCertificate(request: RootCertificateRequest): Promise<Uint8Array> {
  const spki = subjectPublicKeyInfoOf(request.signer.publicKey);
  const name = subjectName(request.subject);
  const tbs = encodeCertificateTbs({
    serialNumber: request.serialNumber ?? randomSerialNumber(),
    signer: request.signer,
    issuer: name,
    subject: name,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    subjectPublicKeyInfo: spki,
    extensions: [
      keyUsageExtension(CA_KEY_USAGE),
      caConstraintsExtension(),
      subjectKeyIdExtension(computeKeyIdentifier(spki)),
    ],
  });
  return signTbs(tbs, request.signer);
}

/**
 * Builds and signs an intermediate CA certificate: keyUsage critical keyCertSign|cRLSign,
 * optional EKU codeSigning, basicConstraints critical cA:TRUE with `pathLength` (default 0),
 * SKI, and AKI = the issuer's SKI (RFC 5280 §4.2.1; Fulcio's intermediate profile). Returns the
 * DER certificate. Requires the issuer to be a CA whose key is `issuerSigner`'s; throws
 * `INVALID_CERTIFICATE_TEMPLATE`, `INVALID_KEY` or `SIGNER_FAILURE`.
 */
export async function buildIntermediateCertificate(
  request: IntermediateCertificateRequest,
): Promise<Uint8Array> {
  const pathLength = request.pathLength ?? 0;
  if (!Number.isSafeInteger(pathLength) || pathLength < 0) {
    throw new SigningError(
      'INVALID_CERTIFICATE_TEMPLATE',
      'pathLength must be a non-negative integer',
    );
  }
  return signUnderIssuer(request, (spki, issuerKeyId) => [
    keyUsageExtension(CA_KEY_USAGE),
    ...(request.codeSigning === false ? [] : [codeSigningExtension()]),
    caConstraintsExtension(pathLength),
    subjectKeyIdExtension(computeKeyIdentifier(spki)),
    authorityKeyIdExtension(issuerKeyId),
  ]);
}

/**
 * Builds the TBS of a certificate for `request.subjectPublicKey` under `request.issuer` with the
 * extensions `extensions` makes (given the subject's SPKI and the issuer's key identifier), and
 * signs it with the issuer's key.
 */
async function signUnderIssuer(
  request: Omit<IntermediateCertificateRequest, 'pathLength' | 'codeSigning'>,
  extensions: (spki: Uint8Array, issuerKeyId: Uint8Array) => Uint8Array[],
): Promise<Uint8Array> {
  const issuer = resolveIssuer(request.issuer, request.issuerSigner);
  const spki = subjectPublicKeyInfoOf(request.subjectPublicKey);
  const tbs = encodeCertificateTbs({
    serialNumber: request.serialNumber ?? randomSerialNumber(),
    signer: request.issuerSigner,
    issuer: issuer.name,
    subject: subjectName(request.subject),
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    subjectPublicKeyInfo: spki,
    extensions: extensions(spki, issuer.keyId),
  });
  return signTbs(tbs, request.issuerSigner);
}

/** Parameters of a timestamp authority's leaf certificate. */
export interface TimestampingCertificateRequest {
  readonly issuer: IssuerInput;
  readonly issuerSigner: Signer;
  readonly subject: DistinguishedName | Uint8Array;
  readonly subjectPublicKey: KeyObject | Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly serialNumber?: bigint;
}

/**
 * Builds and signs a timestamp authority's certificate (RFC 3161 §2.3): keyUsage critical
 * digitalSignature, extKeyUsage critical with id-kp-timeStamping only, SKI, and AKI = the
 * issuer's SKI; not a CA. Returns the DER certificate.
 */
export async function buildTimestampingCertificate(
  request: TimestampingCertificateRequest,
): Promise<Uint8Array> {
  return signUnderIssuer(request, (spki, issuerKeyId) => [
    keyUsageExtension(KeyUsageFlags.digitalSignature),
    timeStampingExtension(),
    subjectKeyIdExtension(computeKeyIdentifier(spki)),
    authorityKeyIdExtension(issuerKeyId),
  ]);
}
