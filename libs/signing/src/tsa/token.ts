import { createHash, randomBytes } from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  DigestAlgorithmIdentifier,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  id_signedData,
  IssuerAndSerialNumber,
  SignatureAlgorithmIdentifier,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  Accuracy,
  id_ct_tstInfo,
  MessageImprint,
  PKIStatus,
  PKIStatusInfo,
  TimeStampResp,
  TimeStampToken,
  TSTInfo,
} from '@peculiar/asn1-tsp';
import { Certificate, GeneralName } from '@peculiar/asn1-x509';
import { SigningError } from '../errors';
import type { Signer } from '../signer';
import { DerTag, encodeElement, encodeOid } from '../x509/der';
import type { ParsedCertificate } from '../x509/parse';
import { EssCertIdV2, id_aa_signingCertificateV2, IssuerSerial, SigningCertificateV2 } from './ess';
import type { TimestampRequest } from './request';

/** CMS attribute types (RFC 5652 §11.1, §11.2). */
const id_contentType = '1.2.840.113549.1.9.3';
const id_messageDigest = '1.2.840.113549.1.9.4';

/** The digest and ECDSA signature OIDs of the signers a TSA may use (RFC 5754, RFC 5758). */
const SIGNER_ALGORITHMS = {
  'ecdsa-p256-sha256': {
    hash: 'sha256',
    digest: '2.16.840.1.101.3.4.2.1',
    signature: '1.2.840.10045.4.3.2',
  },
  'ecdsa-p384-sha384': {
    hash: 'sha384',
    digest: '2.16.840.1.101.3.4.2.2',
    signature: '1.2.840.10045.4.3.3',
  },
} as const;

/** A timestamp authority: its key, its certificate chain (leaf first) and its policy OID. */
export interface TimestampAuthority {
  readonly signer: Signer;
  readonly chain: readonly ParsedCertificate[];
  readonly policy: string;
}

/**
 * Issues an RFC 3161 timestamp: a DER `TimeStampResp` (status granted) whose token is a CMS
 * SignedData over a `TSTInfo` for `request` at `now` (whole seconds, accuracy 1 s, the request's
 * nonce echoed), signed as stock verifiers check it: SignerInfo identified by issuer and serial
 * number, signed attributes contentType, messageDigest and ESS signingCertificateV2 (RFC 5816),
 * ecdsa-with-SHA256/384. The leaf certificate is embedded when the request asks (`certReq`).
 * Throws `UNSUPPORTED_KEY` for a signer that is not ECDSA P-256 or P-384.
 */
export async function issueTimestamp(
  tsa: TimestampAuthority,
  request: TimestampRequest,
  now: Date,
): Promise<Uint8Array> {
  const algorithms = SIGNER_ALGORITHMS[tsa.signer.algorithm as keyof typeof SIGNER_ALGORITHMS];
  if (algorithms === undefined) {
    throw new SigningError(
      'UNSUPPORTED_KEY',
      `a timestamp authority signs with ECDSA P-256 or P-384, not ${tsa.signer.algorithm}`,
    );
  }
  const leaf = tsa.chain[0];
  if (leaf === undefined) throw new SigningError('INVALID_CHAIN', 'the TSA chain is empty');
  const { leafCertificate, issuer, serialNumber, signingCertificate } = signerOf(leaf);

  const tstInfo = new TSTInfo({
    version: 1,
    policy: tsa.policy,
    messageImprint: AsnConvert.parse(request.messageImprint, MessageImprint),
    serialNumber: timestampSerial(),
    genTime: new Date(Math.floor(now.getTime() / 1000) * 1000),
    accuracy: new Accuracy({ seconds: 1 }),
    ordering: false,
    ...(request.nonce !== undefined && { nonce: copy(request.nonce) }),
  });
  const tstDer = new Uint8Array(AsnConvert.serialize(tstInfo));

  const attributes = [
    attribute(id_contentType, copy(encodeOid(id_ct_tstInfo))),
    attribute(
      id_messageDigest,
      AsnConvert.serialize(new OctetString(createHash(algorithms.hash).update(tstDer).digest())),
    ),
    attribute(id_aa_signingCertificateV2, signingCertificate),
  ];
  // DER orders a SET OF by the encodings of its elements (X.690 §11.6): the signature covers
  // exactly these bytes, and verifiers that re-encode the attributes must get them back.
  const encoded = attributes
    .map((a) => ({ a, der: Buffer.from(AsnConvert.serialize(a)) }))
    .sort((x, y) => Buffer.compare(x.der, y.der));
  const signedAttributesSet = encodeElement(DerTag.set, ...encoded.map((e) => e.der));
  const signature = await tsa.signer.sign(signedAttributesSet);

  const signerInfo = new SignerInfo({
    version: CMSVersion.v1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer, serialNumber }),
    }),
    digestAlgorithm: new DigestAlgorithmIdentifier({ algorithm: algorithms.digest }),
    signedAttrs: encoded.map((e) => e.a),
    signatureAlgorithm: new SignatureAlgorithmIdentifier({ algorithm: algorithms.signature }),
    signature: new OctetString(signature),
  });
  const signedData = new SignedData({
    version: CMSVersion.v3,
    digestAlgorithms: new DigestAlgorithmIdentifiers([
      new DigestAlgorithmIdentifier({ algorithm: algorithms.digest }),
    ]),
    encapContentInfo: new EncapsulatedContentInfo({
      eContentType: id_ct_tstInfo,
      eContent: new EncapsulatedContent({ single: new OctetString(tstDer) }),
    }),
    ...(request.certReq && {
      certificates: new CertificateSet([new CertificateChoices({ certificate: leafCertificate })]),
    }),
    signerInfos: new SignerInfos([signerInfo]),
  });
  const response = new TimeStampResp({
    status: new PKIStatusInfo({ status: PKIStatus.granted }),
    timeStampToken: new TimeStampToken({
      contentType: id_signedData,
      content: AsnConvert.serialize(signedData),
    }),
  });
  return new Uint8Array(AsnConvert.serialize(response));
}

/** What a token says of its signer, the same for every token of one TSA certificate. */
interface SignerParts {
  leafCertificate: Certificate;
  issuer: Certificate['tbsCertificate']['issuer'];
  serialNumber: ArrayBuffer;
  /** The DER `SigningCertificateV2` attribute value (ESSCertIDv2 with issuer and serial). */
  signingCertificate: ArrayBuffer;
}

const signerParts = new WeakMap<ParsedCertificate, SignerParts>();

/** The signer's parts of a token, parsed and hashed once per TSA certificate, not per token. */
function signerOf(leaf: ParsedCertificate): SignerParts {
  let parts = signerParts.get(leaf);
  if (parts === undefined) {
    const leafCertificate = AsnConvert.parse(leaf.der, Certificate);
    const { issuer, serialNumber } = leafCertificate.tbsCertificate;
    const essCertId = new EssCertIdV2({
      certHash: new OctetString(createHash('sha256').update(leaf.der).digest()),
      issuerSerial: new IssuerSerial({
        issuer: [new GeneralName({ directoryName: issuer })],
        serialNumber,
      }),
    });
    parts = {
      leafCertificate,
      issuer,
      serialNumber,
      signingCertificate: AsnConvert.serialize(new SigningCertificateV2({ certs: [essCertId] })),
    };
    signerParts.set(leaf, parts);
  }
  return parts;
}

/** A positive 128-bit serial number: unique per token with overwhelming probability (RFC 3161 §2.4.2). */
function timestampSerial(): ArrayBuffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return copy(bytes);
}

function attribute(type: string, value: ArrayBuffer): Attribute {
  return new Attribute({ attrType: type, attrValues: [value] });
}

function copy(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
