/* OCI media types and descriptors as cosign writes and reads them (images.md §1.1, §1.3). The
   registry client's Descriptor has this shape; formats keep their own copy so that they stay
   pure and build without it. */
import { createHash } from 'node:crypto';

/** OCI image manifest (image-spec `manifest.md`). */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
/** OCI image index (image-spec `image-index.md`). */
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
/** OCI image config: the `.sig`/`.att` manifests' config (cosign `pkg/oci/empty`). */
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
/** The empty descriptor's media type (image-spec `manifest.md` "Guidance for an Empty Descriptor"). */
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
/** Sigstore bundle v0.3: referrer `artifactType` and layer media type (cosign `BUNDLE_SPEC.md`). */
export const SIGSTORE_BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
/** Prefix of every Sigstore bundle media type (what cosign's reader accepts as a layer). */
export const SIGSTORE_BUNDLE_PREFIX = 'application/vnd.dev.sigstore.bundle';
/** The `.sig` layer: a simple-signing payload (cosign `pkg/types/media.go`). */
export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
/** The `.att` layer: a DSSE envelope (cosign `pkg/types/media.go` `DssePayloadType`). */
export const DSSE_ENVELOPE = 'application/vnd.dsse.envelope.v1+json';

/** The 2-byte empty config `{}` every bundle referrer points at. */
export const EMPTY_CONFIG = Buffer.from('{}');
/** sha256 of {@link EMPTY_CONFIG} (image-spec: `sha256:44136fa3…caaff8a`). */
export const EMPTY_CONFIG_DIGEST =
  'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

/** A content descriptor (image-spec `descriptor.md`), as the registry client returns it. */
export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** A blob the caller must upload before pushing the manifest that names it. */
export interface Blob {
  digest: string;
  bytes: Buffer;
}

const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** `sha256:<hex>` of `bytes`. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The blob of `bytes` and its digest. */
export function blobOf(bytes: Buffer): Blob {
  return { digest: sha256Digest(bytes), bytes };
}

/** Whether `digest` is `sha256:` and 64 lowercase hex digits (the only form Signet signs). */
export function isSha256Digest(digest: string): boolean {
  return SHA256_DIGEST.test(digest);
}

/** The 64 hex digits of a `sha256:` digest; throws for any other digest. */
export function sha256Hex(digest: string): string {
  if (!isSha256Digest(digest)) {
    throw new Error(`${JSON.stringify(digest)} is not a sha256:<64 lowercase hex> digest`);
  }
  return digest.slice('sha256:'.length);
}

/**
 * `annotations` with keys in code-point order: Go's encoding/json writes maps so, which makes our
 * bytes those cosign would write for the same values.
 */
export function sortedAnnotations(annotations: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
