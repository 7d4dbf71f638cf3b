import { PublicKeyDetails } from '@sigstore/protobuf-specs';
import { certificatesToPem } from '@app/signing';
import { signPayload, signStatement } from './image-signing';
import type { ImageTrust } from './image-trust';
import {
  CosignAnnotation,
  legacyAttestationLayer,
  legacySignatureLayer,
  type LegacyLayer,
} from './legacy-layer';
import { legacyLogKeyProblem } from './legacy-log-key';
import { appendLegacyLayer, legacyManifestLayers } from './legacy-manifest';
import { verifyLegacyAttestation, verifyLegacySignature } from './legacy-verification';
import { sha256Digest } from './oci';
import { dockerReference, simpleSigningPayload } from './simple-signing';
import { imageAttestationStatement } from './statement';
import { legacyTag, fallbackTag } from './tags';
import { TEST_LOG_URL, testInstance, type TestInstance, testSigning } from './testing';
import { checkSignature, type SignatureCheck } from './verified-signature';

const hex = 'ab'.repeat(32);
const digest = `sha256:${hex}`;
const otherDigest = `sha256:${'cd'.repeat(32)}`;
const repository = 'registry.corp/team/app';

describe('legacy (cosign v2) format', () => {
  let instance: TestInstance;
  let trust: ImageTrust;
  let payload: Buffer;
  let layer: LegacyLayer;
  beforeAll(async () => {
    instance = await testInstance();
    trust = { trustMaterial: instance.trustMaterial, digest, repository };
    payload = simpleSigningPayload(repository, digest);
    layer = legacySignatureLayer(
      await signPayload(payload, testSigning(instance)),
      payload,
      instance.chain,
    );
  });

  const check = (l: LegacyLayer, blob = l.blob.bytes, t = trust): SignatureCheck =>
    checkSignature('legacy', 'sig', () => verifyLegacySignature(l.descriptor, blob, t, 'sig'));
  const withAnnotation = (l: LegacyLayer, key: string, value: string): LegacyLayer => ({
    ...l,
    descriptor: { ...l.descriptor, annotations: { ...l.descriptor.annotations, [key]: value } },
  });

  it('names the tags as cosign does', () => {
    expect(legacyTag(digest, 'sig')).toBe(`sha256-${hex}.sig`);
    expect(legacyTag(digest, 'att')).toBe(`sha256-${hex}.att`);
    expect(fallbackTag(digest)).toBe(`sha256-${hex}`);
    expect(() => fallbackTag('sha256:AB')).toThrow('is not a sha256:<64 lowercase hex> digest');
  });

  it('writes the simple-signing payload of images.md §1.1 byte for byte', () => {
    expect(payload.toString()).toBe(
      `{"critical":{"identity":{"docker-reference":"registry.corp/team/app"},"image":{"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"},"optional":null}`,
    );
    expect(simpleSigningPayload(repository, digest, { z: '1', a: '2' }).toString()).toContain(
      '"optional":{"a":"2","z":"1"}',
    );
    expect(
      dockerReference({ registry: 'registry-1.docker.io', repository: 'library/alpine' }),
    ).toBe('index.docker.io/library/alpine');
    expect(dockerReference({ registry: '127.0.0.1:5000', repository: 'team/app' })).toBe(
      '127.0.0.1:5000/team/app',
    );
  });

  it('writes the .sig layer with the annotations cosign v2 writes', () => {
    const a = layer.descriptor.annotations!;
    expect(layer.descriptor).toMatchObject({
      mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      size: payload.length,
      digest: sha256Digest(payload),
    });
    expect(Object.keys(a)).toEqual([
      'dev.cosignproject.cosign/signature',
      'dev.sigstore.cosign/bundle',
      'dev.sigstore.cosign/certificate',
      'dev.sigstore.cosign/chain',
    ]);
    expect(a['dev.sigstore.cosign/certificate']).toMatch(
      /^-----BEGIN CERTIFICATE-----\n[^]+\n-----END CERTIFICATE-----\n$/,
    );
    expect(a['dev.sigstore.cosign/chain']!.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    // The SET in cosign's RekorBundle shape, keys in Go's field order.
    const set = JSON.parse(a['dev.sigstore.cosign/bundle']!) as {
      Payload: Record<string, unknown>;
    };
    expect(Object.keys(set)).toEqual(['SignedEntryTimestamp', 'Payload']);
    expect(Object.keys(set.Payload)).toEqual(['body', 'integratedTime', 'logIndex', 'logID']);
    // The hashedrekord logs base64(PEM leaf), the very bytes of the certificate annotation.
    const body = JSON.parse(Buffer.from(set.Payload.body as string, 'base64').toString()) as {
      kind: string;
      spec: { signature: { publicKey: { content: string } } };
    };
    expect(body.kind).toBe('hashedrekord');
    expect(Buffer.from(body.spec.signature.publicKey.content, 'base64').toString()).toBe(
      a['dev.sigstore.cosign/certificate'],
    );
  });

  it('round trip: the .sig layer verifies (@sigstore/verify on the synthesized bundle v0.1)', () => {
    expect(check(layer)).toMatchObject({ verified: true, format: 'legacy', kind: 'signature' });
    const result = check(layer);
    expect(result.verified && result.signer.identity?.subjectAlternativeName).toBe(
      'alice@example.com',
    );
  });

  it.each([
    [
      'a tampered payload',
      (l: LegacyLayer) => ({
        ...l,
        blob: {
          ...l.blob,
          bytes: Buffer.from(l.blob.bytes.toString().replace('team/app', 'team/evil')),
        },
      }),
      'LAYER_ERROR',
    ],
    [
      'a signature annotation of other bytes',
      (l: LegacyLayer) =>
        withAnnotation(l, CosignAnnotation.signature, Buffer.alloc(70, 1).toString('base64')),
      'TLOG_BODY_ERROR',
    ],
    [
      'a certificate annotation re-encoded (not byte-identical to the log entry)',
      (l: LegacyLayer) =>
        withAnnotation(
          l,
          CosignAnnotation.certificate,
          l.descriptor.annotations![CosignAnnotation.certificate]!.replace(
            /\n-----END/,
            '\n\n-----END',
          ),
        ),
      'TLOG_BODY_ERROR',
    ],
    [
      'a certificate annotation that is not PEM',
      (l: LegacyLayer) => withAnnotation(l, CosignAnnotation.certificate, 'x'),
      'ANNOTATION_ERROR',
    ],
  ])('rejects %s', (_, tamper, code) => {
    const tampered = tamper(layer);
    const blob = tampered.blob.bytes;
    expect(check(tampered, blob)).toMatchObject({ verified: false, code });
  });

  it('rejects a tampered SET (integratedTime changed)', () => {
    const set = JSON.parse(layer.descriptor.annotations![CosignAnnotation.bundle]!) as {
      Payload: { integratedTime: number };
    };
    set.Payload.integratedTime += 1;
    expect(
      check(withAnnotation(layer, CosignAnnotation.bundle, JSON.stringify(set))),
    ).toMatchObject({
      verified: false,
      code: 'TLOG_INCLUSION_PROMISE_ERROR',
    });
  });

  it('rejects a chain annotation that is not the instance’s', async () => {
    const foreign = await testInstance();
    const tampered = withAnnotation(
      layer,
      CosignAnnotation.chain,
      certificatesToPem(foreign.chain),
    );
    expect(check(tampered)).toMatchObject({ verified: false, code: 'CERTIFICATE_ERROR' });
  });

  it('rejects a signature of another image (re-tagged) and of another repository', () => {
    expect(check(layer, layer.blob.bytes, { ...trust, digest: otherDigest })).toEqual({
      verified: false,
      format: 'legacy',
      source: 'sig',
      code: 'DIGEST_MISMATCH',
      message: `the signature is for ${digest}, not the image ${otherDigest}`,
    });
    expect(
      check(layer, layer.blob.bytes, { ...trust, repository: 'registry.corp/other/app' }),
    ).toMatchObject({
      code: 'REFERENCE_MISMATCH',
    });
  });

  it('rejects a signature from another instance (foreign CA and log)', async () => {
    const foreign = await testInstance();
    const l = legacySignatureLayer(
      await signPayload(payload, testSigning(foreign)),
      payload,
      foreign.chain,
    );
    expect(check(l)).toMatchObject({ verified: false, code: 'CERTIFICATE_ERROR' });
  });

  it('refuses to build a legacy layer from a log entry without SET (a Rekor v2 log)', async () => {
    const bundle = await signPayload(payload, testSigning(instance));
    delete bundle.verificationMaterial.tlogEntries[0]!.inclusionPromise;
    expect(() => legacySignatureLayer(bundle, payload, instance.chain)).toThrow(
      'the log entry has no signed entry timestamp: the legacy format needs a Rekor v1 log',
    );
    expect(() => legacySignatureLayer(bundle, Buffer.from('other'), instance.chain)).toThrow(
      'the bundle does not sign this payload',
    );
  });

  describe('.att layers', () => {
    const predicateType = 'https://slsa.dev/provenance/v1';
    let att: LegacyLayer;
    beforeAll(async () => {
      const statement = imageAttestationStatement(digest, repository, predicateType, {
        builder: { id: 'ci' },
      });
      att = legacyAttestationLayer(
        await signStatement(statement, testSigning(instance)),
        instance.chain,
      );
    });
    const checkAtt = (l: LegacyLayer, t = trust) =>
      checkSignature('legacy', 'att', () =>
        verifyLegacyAttestation(l.descriptor, l.blob.bytes, t, 'att'),
      );

    it('writes the DSSE envelope layer with signature "" and the predicate type', () => {
      expect(att.descriptor.mediaType).toBe('application/vnd.dsse.envelope.v1+json');
      expect(att.descriptor.annotations).toMatchObject({
        'dev.cosignproject.cosign/signature': '',
        predicateType,
      });
      expect(JSON.parse(att.blob.bytes.toString())).toMatchObject({
        payloadType: 'application/vnd.in-toto+json',
      });
    });

    it('round trip verifies, and rejects another image or a changed predicateType annotation', () => {
      expect(checkAtt(att)).toMatchObject({ verified: true, kind: 'attestation', predicateType });
      expect(checkAtt(att, { ...trust, digest: otherDigest })).toMatchObject({
        code: 'SUBJECT_DIGEST_MISMATCH',
      });
      expect(
        checkAtt(withAnnotation(att, CosignAnnotation.predicateType, 'https://spdx.dev/Document')),
      ).toMatchObject({
        code: 'PREDICATE_TYPE_MISMATCH',
      });
    });
  });

  describe(appendLegacyLayer.name, () => {
    it('writes an OCI manifest with an OCI config listing the layers, and appends without duplicates', async () => {
      const first = appendLegacyLayer(undefined, layer);
      expect(first.appended).toBe(true);
      const manifest = JSON.parse(first.manifest.toString()) as {
        config: { digest: string; mediaType: string };
      };
      expect(manifest).toMatchObject({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json' },
        layers: [layer.descriptor],
      });
      const config = first.blobs.find((b) => b.digest === manifest.config.digest)!;
      expect(JSON.parse(config.bytes.toString())).toMatchObject({
        rootfs: { type: 'layers', diff_ids: [layer.descriptor.digest] },
      });
      expect(first.blobs.map((b) => b.digest)).toContain(layer.blob.digest);

      const again = appendLegacyLayer(first.manifest, layer);
      expect(again).toEqual({
        appended: false,
        blobs: [],
        manifest: first.manifest,
        mediaType: first.mediaType,
      });

      const second = legacySignatureLayer(
        await signPayload(payload, testSigning(instance, 'bob@example.com')),
        payload,
        instance.chain,
      );
      const both = appendLegacyLayer(first.manifest, second);
      expect(legacyManifestLayers(both.manifest)).toEqual([layer.descriptor, second.descriptor]);
    });

    it('refuses to overwrite something that is not an image manifest', () => {
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [],
        }),
      );
      expect(() => appendLegacyLayer(index, layer)).toThrow(
        'the manifest is a "application/vnd.oci.image.index.v1+json", not an image manifest',
      );
    });
  });

  describe(legacyLogKeyProblem.name, () => {
    it('accepts a P-256 log and refuses an Ed25519 one up front, naming why', async () => {
      expect(legacyLogKeyProblem(instance.trustedRoot, `${TEST_LOG_URL}/`)).toBeUndefined();
      const ed = await testInstance('ed25519');
      expect(ed.trustedRoot.tlogs[0]!.publicKey!.keyDetails).toBe(PublicKeyDetails.PKIX_ED25519);
      expect(legacyLogKeyProblem(ed.trustedRoot, TEST_LOG_URL)).toBe(
        `the log ${TEST_LOG_URL} signs with PKIX_ED25519: containers/image (podman, CRI-O, OpenShift) accepts only ECDSA P-256 log keys for legacy signatures; use --format bundle, or a P-256 LOG_KEY`,
      );
      expect(legacyLogKeyProblem(instance.trustedRoot, 'https://other.example')).toBe(
        'the trusted root lists no current key for the log https://other.example',
      );
    });
  });
});
