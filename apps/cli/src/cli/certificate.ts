/* What a bundle's certificate and log entries say, for status lines and --json. */
import type { Bundle } from '@sigstore/bundle';
import { FulcioOid, readFulcioExtensions, subjectAltNames } from '@app/signing';

/** The signer identity a certificate names. */
export interface CertificateIdentity {
  /** The first URI SAN, else the first email SAN (as sigstore-js and cosign pick it). */
  subjectAlternativeName?: string;
  /** The OIDC issuer (OID .8, else the legacy .1). */
  issuer?: string;
  /** Every Sigstore extension (1.3.6.1.4.1.57264.1.*) as OID → text. */
  extensions: Record<string, string>;
}

/** Reads the identity of a DER certificate. Throws the parser's error when it is malformed. */
export function certificateIdentity(der: Uint8Array): CertificateIdentity {
  const sans = subjectAltNames(der);
  const san =
    sans.find((s) => s.type === 'uri')?.value ?? sans.find((s) => s.type === 'email')?.value;
  const extensions = readFulcioExtensions(der);
  const issuer = extensions[FulcioOid.issuerV2] ?? extensions[FulcioOid.issuer];
  return {
    ...(typeof san === 'string' ? { subjectAlternativeName: san } : {}),
    ...(issuer !== undefined ? { issuer } : {}),
    extensions,
  };
}

/** The signing certificate (DER) of a bundle, v0.3 `certificate` or v0.2 chain's first. */
export function leafCertificate(bundle: Bundle): Buffer | undefined {
  const material = bundle.verificationMaterial.content;
  switch (material.$case) {
    case 'certificate':
      return material.certificate.rawBytes;
    case 'x509CertificateChain':
      return material.x509CertificateChain.certificates[0]?.rawBytes;
    case 'publicKey':
      return undefined;
  }
}

/** A bundle's log entries, for status lines and --json. */
export interface TlogEntrySummary {
  logIndex: string;
  integratedTime: string;
  logId?: string;
}

export function tlogEntrySummaries(bundle: Bundle): TlogEntrySummary[] {
  return bundle.verificationMaterial.tlogEntries.map((e) => ({
    logIndex: e.logIndex,
    integratedTime: new Date(Number(e.integratedTime) * 1000).toISOString(),
    ...(e.logId !== undefined ? { logId: e.logId.keyId.toString('base64') } : {}),
  }));
}
