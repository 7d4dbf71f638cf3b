/* The cosign v3 bundle format: a Sigstore bundle v0.3 as an OCI 1.1 referrer of the image
   (images.md §1.3; cosign `specs/BUNDLE_SPEC.md`, `pkg/oci/remote/write.go WriteReferrer`). */
import { bundleToJSON, type Bundle } from '@sigstore/bundle';
import { parseInTotoStatement } from '@app/signing';
import {
  type Blob,
  blobOf,
  EMPTY_CONFIG,
  EMPTY_CONFIG_DIGEST,
  OCI_EMPTY,
  OCI_MANIFEST,
  type OciDescriptor,
  SIGSTORE_BUNDLE_V03,
  sortedAnnotations,
} from './oci';

/** Referrer manifest annotations (BUNDLE_SPEC "Annotations"). */
export const BundleAnnotation = {
  created: 'org.opencontainers.image.created',
  content: 'dev.sigstore.bundle.content',
  predicateType: 'dev.sigstore.bundle.predicateType',
} as const;

/** A referrer ready to push: the blobs first, then `manifest` by its digest. */
export interface BundleReferrer {
  /** The bundle JSON and the empty config `{}`. */
  blobs: Blob[];
  manifest: Buffer;
  mediaType: typeof OCI_MANIFEST;
  digest: string;
}

/**
 * The referrer of `subject` (the signed manifest's real media type, digest and size) carrying
 * `bundle`: artifactType and layer media type {@link SIGSTORE_BUNDLE_V03}, the empty config, and
 * the annotations `org.opencontainers.image.created` (`created`, RFC 3339 in whole seconds as
 * cosign writes it), `dev.sigstore.bundle.content` (`dsse-envelope` or `message-signature`) and,
 * for DSSE, `dev.sigstore.bundle.predicateType` from the signed statement.
 */
export function bundleReferrer(
  bundle: Bundle,
  subject: OciDescriptor,
  created: Date,
): BundleReferrer {
  const bundleBlob = blobOf(Buffer.from(JSON.stringify(bundleToJSON(bundle))));
  const annotations: Record<string, string> = {
    [BundleAnnotation.created]: created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    [BundleAnnotation.content]:
      bundle.content.$case === 'dsseEnvelope' ? 'dsse-envelope' : 'message-signature',
  };
  if (bundle.content.$case === 'dsseEnvelope') {
    const predicateType = parseInTotoStatement(bundle.content.dsseEnvelope.payload)?.predicateType;
    if (typeof predicateType !== 'string') {
      throw new Error('the DSSE envelope does not carry an in-toto statement with a predicateType');
    }
    annotations[BundleAnnotation.predicateType] = predicateType;
  }
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: SIGSTORE_BUNDLE_V03,
      config: { mediaType: OCI_EMPTY, digest: EMPTY_CONFIG_DIGEST, size: EMPTY_CONFIG.length },
      layers: [
        {
          mediaType: SIGSTORE_BUNDLE_V03,
          digest: bundleBlob.digest,
          size: bundleBlob.bytes.length,
        },
      ],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      annotations: sortedAnnotations(annotations),
    }),
  );
  return {
    blobs: [bundleBlob, { digest: EMPTY_CONFIG_DIGEST, bytes: EMPTY_CONFIG }],
    manifest,
    mediaType: OCI_MANIFEST,
    digest: blobOf(manifest).digest,
  };
}
