import {
  AsnIntegerArrayBufferConverter,
  AsnProp,
  AsnPropTypes,
  OctetString,
} from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, GeneralName } from '@peculiar/asn1-x509';

/* The ESS types an RFC 3161 token carries (RFC 5035 §3, RFC 5816): no @peculiar package ships
   them, so they are declared here with the schema decorators the @peculiar/asn1-* packages use. */

/** `id-aa-signingCertificateV2` (RFC 5035 §3). */
export const id_aa_signingCertificateV2 = '1.2.840.113549.1.9.16.2.47';

/** `IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }` */
export class IssuerSerial {
  @AsnProp({ type: GeneralName, repeated: 'sequence' })
  issuer: GeneralName[] = [];

  @AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })
  serialNumber: ArrayBuffer = new ArrayBuffer(0);

  constructor(params: Partial<IssuerSerial> = {}) {
    Object.assign(this, params);
  }
}

/**
 * `ESSCertIDv2 ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT id-sha256,
 * certHash OCTET STRING, issuerSerial IssuerSerial OPTIONAL }`: `hashAlgorithm` is left out for
 * SHA-256 (DER omits a DEFAULT value).
 */
export class EssCertIdV2 {
  @AsnProp({ type: AlgorithmIdentifier, optional: true })
  hashAlgorithm?: AlgorithmIdentifier;

  @AsnProp({ type: OctetString })
  certHash: OctetString = new OctetString();

  @AsnProp({ type: IssuerSerial, optional: true })
  issuerSerial?: IssuerSerial;

  constructor(params: Partial<EssCertIdV2> = {}) {
    Object.assign(this, params);
  }
}

/** `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies … OPTIONAL }` */
export class SigningCertificateV2 {
  @AsnProp({ type: EssCertIdV2, repeated: 'sequence' })
  certs: EssCertIdV2[] = [];

  constructor(params: Partial<SigningCertificateV2> = {}) {
    Object.assign(this, params);
  }
}
