import { bundleFromJSON } from '@sigstore/bundle';
import { bundleReferrer } from './bundle-referrer';
import { bundleLayerOf, mayBeBundleReferrer, verifyBundleReferrer } from './bundle-verification';
import { signStatement } from './image-signing';
import type { ImageTrust } from './image-trust';
import { EMPTY_CONFIG, EMPTY_CONFIG_DIGEST, OCI_EMPTY, sha256Digest } from './oci';
import {
  COSIGN_SIGN_PREDICATE_TYPE,
  imageAttestationStatement,
  imageSignatureStatement,
} from './statement';
import { TEST_ISSUER, testInstance, type TestInstance, testSigning } from './testing';
import { checkSignature } from './verified-signature';

const digest = `sha256:${'ab'.repeat(32)}`;
const otherDigest = `sha256:${'cd'.repeat(32)}`;
const subject = {
  mediaType: 'application/vnd.oci.image.index.v1+json',
  digest,
  size: 1234,
};
const created = new Date('2026-08-01T12:00:00.345Z');

describe(bundleReferrer.name, () => {
  let instance: TestInstance;
  let trust: ImageTrust;
  beforeAll(async () => {
    instance = await testInstance();
    trust = { trustMaterial: instance.trustMaterial, digest, repository: 'registry.corp/team/app' };
  });

  it('signs the statement cosign v3 signs: sha256 subject without name, -a annotations, sign/v1, {}', () => {
    expect(JSON.stringify(imageSignatureStatement(digest, { team: 'a', env: 'prod' }))).toBe(
      `{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"${'ab'.repeat(32)}"},"annotations":{"env":"prod","team":"a"}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}`,
    );
    expect(imageSignatureStatement(digest).subject).toEqual([
      { digest: { sha256: 'ab'.repeat(32) } },
    ]);
    expect(() => imageSignatureStatement('sha512:00')).toThrow(
      'is not a sha256:<64 lowercase hex> digest',
    );
  });

  it('writes the referrer manifest of images.md §1.3 exactly', async () => {
    const bundle = await signStatement(imageSignatureStatement(digest), testSigning(instance));
    const referrer = bundleReferrer(bundle, subject, created);
    const manifest = JSON.parse(referrer.manifest.toString()) as Record<string, unknown>;
    const [bundleBlob, config] = referrer.blobs;
    expect(manifest).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      config: {
        mediaType: 'application/vnd.oci.empty.v1+json',
        digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
        size: 2,
      },
      layers: [
        {
          mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
          digest: bundleBlob!.digest,
          size: bundleBlob!.bytes.length,
        },
      ],
      subject,
      annotations: {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': COSIGN_SIGN_PREDICATE_TYPE,
        'org.opencontainers.image.created': '2026-08-01T12:00:00Z',
      },
    });
    // Key order as in the spec's example; the config blob is the 2-byte `{}` of that digest.
    expect(Object.keys(manifest)).toEqual([
      'schemaVersion',
      'mediaType',
      'artifactType',
      'config',
      'layers',
      'subject',
      'annotations',
    ]);
    expect(config).toEqual({ digest: EMPTY_CONFIG_DIGEST, bytes: EMPTY_CONFIG });
    expect(sha256Digest(EMPTY_CONFIG)).toBe(EMPTY_CONFIG_DIGEST);
    expect(referrer.digest).toBe(sha256Digest(referrer.manifest));
    expect(bundleFromJSON(JSON.parse(bundleBlob!.bytes.toString())).mediaType).toBe(
      'application/vnd.dev.sigstore.bundle.v0.3+json',
    );
    expect(bundle.verificationMaterial.tlogEntries[0]!.kindVersion).toEqual({
      kind: 'dsse',
      version: '0.0.1',
    });
  });

  it('round trip: the referrer read back verifies with @sigstore/verify and is bound to the image', async () => {
    const bundle = await signStatement(
      imageSignatureStatement(digest, { env: 'prod' }),
      testSigning(instance),
    );
    const referrer = bundleReferrer(bundle, subject, created);
    const layer = bundleLayerOf(referrer.manifest, digest);
    expect(layer?.digest).toBe(referrer.blobs[0]!.digest);
    const verified = verifyBundleReferrer(
      referrer.blobs[0]!.bytes,
      trust,
      `referrer ${referrer.digest}`,
    );
    expect(verified).toMatchObject({
      format: 'bundle',
      kind: 'signature',
      predicateType: COSIGN_SIGN_PREDICATE_TYPE,
      annotations: { env: 'prod' },
    });
    expect(verified.signer.identity?.subjectAlternativeName).toBe('alice@example.com');
    expect(verified.signer.identity?.extensions?.issuer).toBe(TEST_ISSUER);
  });

  it('verifies an attestation referrer and reports its predicate type', async () => {
    const statement = imageAttestationStatement(
      digest,
      'registry.corp/team/app',
      'https://slsa.dev/provenance/v1',
      { builder: { id: 'ci' } },
    );
    const bundle = await signStatement(statement, testSigning(instance));
    const referrer = bundleReferrer(bundle, subject, created);
    expect(JSON.parse(referrer.manifest.toString())).toMatchObject({
      annotations: { 'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1' },
    });
    expect(verifyBundleReferrer(referrer.blobs[0]!.bytes, trust, 'r')).toMatchObject({
      kind: 'attestation',
      predicateType: 'https://slsa.dev/provenance/v1',
    });
  });

  it('rejects a bundle about another image (SUBJECT_DIGEST_MISMATCH)', async () => {
    const bundle = await signStatement(imageSignatureStatement(otherDigest), testSigning(instance));
    const bytes = bundleReferrer(bundle, { ...subject, digest: otherDigest }, created).blobs[0]!
      .bytes;
    expect(checkSignature('bundle', 'r', () => verifyBundleReferrer(bytes, trust, 'r'))).toEqual({
      verified: false,
      format: 'bundle',
      source: 'r',
      code: 'SUBJECT_DIGEST_MISMATCH',
      message: `the statement is about ${otherDigest}, not the image ${digest}`,
    });
  });

  it('rejects a bundle certified by another CA and logged by another log', async () => {
    const foreign = await testInstance();
    const bundle = await signStatement(imageSignatureStatement(digest), testSigning(foreign));
    const bytes = bundleReferrer(bundle, subject, created).blobs[0]!.bytes;
    expect(
      checkSignature('bundle', 'r', () => verifyBundleReferrer(bytes, trust, 'r')),
    ).toMatchObject({
      verified: false,
      code: 'CERTIFICATE_ERROR',
    });
  });

  it('rejects a tampered statement (the DSSE signature no longer verifies)', async () => {
    const bundle = await signStatement(imageSignatureStatement(digest), testSigning(instance));
    const json = JSON.parse(
      bundleReferrer(bundle, subject, created).blobs[0]!.bytes.toString(),
    ) as {
      dsseEnvelope: { payload: string };
    };
    const statement = Buffer.from(json.dsseEnvelope.payload, 'base64')
      .toString()
      .replace('sign/v1', 'sign/v2');
    json.dsseEnvelope.payload = Buffer.from(statement).toString('base64');
    const bytes = Buffer.from(JSON.stringify(json));
    expect(
      checkSignature('bundle', 'r', () => verifyBundleReferrer(bytes, trust, 'r')),
    ).toMatchObject({
      verified: false,
      code: 'TLOG_BODY_ERROR',
    });
  });

  it('refuses a layer that is not a bundle (BUNDLE_ERROR)', () => {
    const check = (bytes: Buffer) =>
      checkSignature('bundle', 'r', () => verifyBundleReferrer(bytes, trust, 'r'));
    expect(check(Buffer.from('not json'))).toMatchObject({ code: 'BUNDLE_ERROR' });
  });
});

describe(mayBeBundleReferrer.name, () => {
  const d = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1 };
  it('takes bundle referrers and the entries ggcr wrote without artifactType, skips other artifacts', () => {
    expect(
      mayBeBundleReferrer({ ...d, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }),
    ).toBe(true);
    expect(mayBeBundleReferrer({ ...d, artifactType: OCI_EMPTY })).toBe(true);
    expect(mayBeBundleReferrer({ ...d, artifactType: '' })).toBe(true);
    expect(mayBeBundleReferrer(d)).toBe(true);
    expect(mayBeBundleReferrer({ ...d, artifactType: 'application/spdx+json' })).toBe(false);
  });
});

describe(bundleLayerOf.name, () => {
  const manifest = (value: unknown) => Buffer.from(JSON.stringify(value));
  const layer = {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    digest: otherDigest,
    size: 10,
  };
  it('returns undefined for a manifest that is not a bundle referrer (an SBOM found through ggcr’s empty artifactType)', () => {
    expect(
      bundleLayerOf(
        manifest({ layers: [{ mediaType: 'application/spdx+json', digest, size: 1 }] }),
        digest,
      ),
    ).toBeUndefined();
    expect(bundleLayerOf(Buffer.from('{'), digest)).toBeUndefined();
  });
  it('rejects a bundle referrer of another subject or with two bundle layers', () => {
    expect(() =>
      bundleLayerOf(manifest({ layers: [layer], subject: { digest: otherDigest } }), digest),
    ).toThrow(`the referrer's subject is ${otherDigest}, not the image ${digest}`);
    expect(() =>
      bundleLayerOf(manifest({ layers: [layer, layer], subject: { digest } }), digest),
    ).toThrow('the referrer has 2 bundle layers, not one');
  });
});
