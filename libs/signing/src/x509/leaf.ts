import type { KeyObject } from 'node:crypto';
import { KeyUsageFlags } from '@peculiar/asn1-x509';
import type { Signer } from '../signer';
import {
  authorityKeyIdExtension,
  codeSigningExtension,
  encodeExtension,
  computeKeyIdentifier,
  keyUsageExtension,
  poisonExtension,
  sctListExtension,
  subjectKeyIdExtension,
} from './extensions';
import { encodeFulcioExtensions } from './fulcio';
import {
  encodePolicyExtension,
  POLICY_EXTENSION_OID,
  type PolicyReference,
} from '../policy-version';
import {
  certificateTbsParts,
  randomSerialNumber,
  resolveIssuer,
  signTbs,
  subjectPublicKeyInfoOf,
  type IssuerInput,
} from './issue';
import { X509Oid } from './oids';
import { encodeSubjectAltName, type LeafSubjectAltName } from './san';
import { encodeSctList, type SignedCertificateTimestamp } from './sct';
import { encodeTbs } from './tbs';

/** Parameters of a Fulcio-profile code-signing leaf certificate. */
export interface LeafCertificateRequest {
  /** The issuing CA (normally the intermediate). */
  readonly issuer: IssuerInput;
  /** Signs the precertificate and the certificate; must hold the issuer's key. */
  readonly issuerSigner: Signer;
  /** The key being certified (the client's ephemeral key), as KeyObject or DER SPKI. */
  readonly subjectPublicKey: KeyObject | Uint8Array;
  /** The single identity, put in a critical SAN extension. */
  readonly subjectAltName: LeafSubjectAltName;
  /** Sigstore extensions, OID (1.3.6.1.4.1.57264.1.x) → value. */
  readonly extensions: Readonly<Record<string, string>>;
  /** Validity window (Fulcio: issuance time to +10 minutes); truncated to whole seconds. */
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Defaults to {@link randomSerialNumber}. */
  readonly serialNumber?: bigint;
  /** The policy version and rule that allowed the certificate (a non-critical Signet extension). */
  readonly policy?: PolicyReference;
}

/**
 * A leaf certificate ready to be signed in the RFC 6962 §3.1 embedded-SCT flow: one TBS,
 * signed first as a precertificate and then, with the poison swapped for the SCT list at the same
 * position, as the final certificate. Every method signs with the issuer signer.
 */
export interface LeafCertificate {
  readonly serialNumber: bigint;
  /** The precertificate's TBS, poison included. */
  readonly precertificateTbs: Uint8Array;
  /**
   * The TBS without the poison: what the CT log signs in a `precert_entry` (RFC 6962 §3.2), and
   * byte for byte the TBS of {@link LeafCertificate.certificate} called without SCTs.
   */
  readonly tbsWithoutPoison: Uint8Array;
  /** Signs and returns the DER precertificate (for `add-pre-chain`). Throws `SIGNER_FAILURE`. */
  precertificate(): Promise<Uint8Array>;
  /**
   * Signs and returns the DER final certificate: with `scts`, the poison is replaced in place by
   * the SCT list extension (RFC 6962 §3.3); without (CT disabled), the poison is dropped. Throws
   * `INVALID_ENCODING` for an empty or oversized SCT list, `SIGNER_FAILURE` if signing fails.
   */
  certificate(scts?: readonly SignedCertificateTimestamp[]): Promise<Uint8Array>;
}

/**
 * Lays out a Fulcio-profile leaf (Fulcio `pkg/ca/common.go`, `docs/certificate-specification.md`):
 * version 3, empty subject, keyUsage critical digitalSignature, EKU codeSigning, SKI, AKI = the
 * issuer's SKI, one critical SAN, the Sigstore extensions in OID order, then the CT poison.
 * Returns the template; nothing is signed yet. Throws `INVALID_CERTIFICATE_TEMPLATE` (bad SAN,
 * extension OID, validity or serial) or `INVALID_KEY` (unusable subject key, or an issuer
 * certificate whose key is not the signer's).
 */
export function buildLeaf(request: LeafCertificateRequest): LeafCertificate {
  const issuer = resolveIssuer(request.issuer, request.issuerSigner);
  const spki = subjectPublicKeyInfoOf(request.subjectPublicKey);
  const serialNumber = request.serialNumber ?? randomSerialNumber();
  const signer = request.issuerSigner;
  const { head, extensions } = certificateTbsParts({
    serialNumber,
    signer,
    issuer: issuer.name,
    // An empty Name: the identity lives only in the SAN (RFC 5280 §4.1.2.6).
    subject: EMPTY_NAME,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    subjectPublicKeyInfo: spki,
    extensions: [
      KEY_USAGE,
      CODE_SIGNING,
      subjectKeyIdExtension(computeKeyIdentifier(spki)),
      authorityKeyIdExtension(issuer.keyId),
      // Critical because the subject is empty (RFC 5280 §4.2.1.6).
      encodeExtension(X509Oid.subjectAltName, true, encodeSubjectAltName(request.subjectAltName)),
      ...encodeFulcioExtensions(request.extensions),
      ...(request.policy === undefined
        ? []
        : [encodeExtension(POLICY_EXTENSION_OID, false, encodePolicyExtension(request.policy))]),
    ],
  });
  // The poison is the last extension, so "the same position" (RFC 6962 §3.3) for the SCT list is
  // the end, and the TBS without it is the same head and list minus the last element.
  const precertificateTbs = encodeTbs(head, [...extensions, POISON]);
  const tbsWithoutPoison = encodeTbs(head, extensions);
  return {
    serialNumber,
    precertificateTbs,
    tbsWithoutPoison,
    precertificate: () => signTbs(precertificateTbs, signer),
    certificate: async (scts) => {
      if (scts === undefined) return signTbs(tbsWithoutPoison, signer);
      const sctList = sctListExtension(encodeSctList(scts));
      return signTbs(encodeTbs(head, [...extensions, sctList]), signer);
    },
  };
}

const EMPTY_NAME = Uint8Array.of(0x30, 0x00);
const KEY_USAGE = keyUsageExtension(KeyUsageFlags.digitalSignature);
const CODE_SIGNING = codeSigningExtension();
const POISON = poisonExtension();
