/* Checks of a bundle's structure that @sigstore/verify 4 does not make, run before it. */
import { X509Certificate } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { verificationFailed } from '../cli/exit-codes';

/**
 * Rejects (exit 1) a bundle whose verification material carries a self-signed (root)
 * certificate: the trust anchor must come from the trusted root, never from the bundle
 * (sigstore-conformance `bundle-with-root-cert_fail`; `CERTIFICATE_ERROR`). Rejects an inclusion
 * proof without a checkpoint, which protobuf-specs' InclusionProof requires and without which
 * the proof's root hash is signed by no one (`TLOG_INCLUSION_PROOF_ERROR`; @sigstore/verify
 * 4.1.3 throws a TypeError on it).
 */
export function checkBundleStructure(bundle: Bundle): void {
  const material = bundle.verificationMaterial.content;
  const certificates =
    material.$case === 'x509CertificateChain'
      ? material.x509CertificateChain.certificates
      : material.$case === 'certificate'
        ? [material.certificate]
        : [];
  certificates.forEach(({ rawBytes }, i) => {
    const certificate = parseCertificate(rawBytes);
    if (certificate !== undefined && isSelfSigned(certificate)) {
      throw verificationFailed(
        `the bundle's certificate ${i} (${certificate.subject.replace(/\n/g, ', ')}) is a self-signed root: a bundle must not carry its trust anchor`,
        'CERTIFICATE_ERROR',
      );
    }
  });
  bundle.verificationMaterial.tlogEntries.forEach((entry, i) => {
    if (entry.inclusionProof !== undefined && entry.inclusionProof.checkpoint === undefined) {
      throw verificationFailed(
        `tlogEntries[${i}].inclusionProof has no checkpoint, so its root hash cannot be verified`,
        'TLOG_INCLUSION_PROOF_ERROR',
      );
    }
  });
}

// A certificate that does not parse is left to @sigstore/verify, which names the failure.
function parseCertificate(der: Buffer): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

function isSelfSigned(certificate: X509Certificate): boolean {
  return certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey);
}
