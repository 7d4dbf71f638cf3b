import { toMessageSignatureBundle, type TransparencyLogEntry } from '@sigstore/bundle';
import { testPki, type TestPki } from '@app/signing/x509/testing';
import { checkBundleStructure } from './bundle-checks';

const chainBundle = (certificates: Uint8Array[]) => {
  const bundle = toMessageSignatureBundle({
    digest: Buffer.alloc(32),
    signature: Buffer.alloc(8),
    certificate: Buffer.from(certificates[0]!),
    certificateChain: true,
  });
  const material = bundle.verificationMaterial.content;
  if (material.$case !== 'x509CertificateChain') throw new Error('expected a chain');
  material.x509CertificateChain.certificates = certificates.map((c) => ({
    rawBytes: Buffer.from(c),
  }));
  return bundle;
};

describe(checkBundleStructure.name, () => {
  let pki: TestPki;
  beforeAll(async () => (pki = await testPki()));

  it('accepts a chain without its root', () => {
    expect(() => checkBundleStructure(chainBundle([pki.intermediate]))).not.toThrow();
  });

  it('fails (exit 1, CERTIFICATE_ERROR) for a chain that carries the self-signed root', () => {
    expect(() => checkBundleStructure(chainBundle([pki.intermediate, pki.root]))).toThrow(
      expect.objectContaining({
        exitCode: 1,
        code: 'CERTIFICATE_ERROR',
        message:
          "the bundle's certificate 1 (O=Signet, CN=Signet Test Root) is a self-signed root: a bundle must not carry its trust anchor",
      }),
    );
  });

  it('fails (exit 1, TLOG_INCLUSION_PROOF_ERROR) for an inclusion proof without a checkpoint', () => {
    const bundle = chainBundle([pki.intermediate]);
    const entry = {
      logIndex: '1',
      inclusionProof: { logIndex: '1', rootHash: Buffer.alloc(32), treeSize: '2', hashes: [] },
    } as unknown as TransparencyLogEntry;
    bundle.verificationMaterial.tlogEntries = [entry];
    expect(() => checkBundleStructure(bundle)).toThrow(
      expect.objectContaining({
        exitCode: 1,
        code: 'TLOG_INCLUSION_PROOF_ERROR',
        message:
          'tlogEntries[0].inclusionProof has no checkpoint, so its root hash cannot be verified',
      }),
    );
  });
});
