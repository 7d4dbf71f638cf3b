/* Reading and verifying cosign v3 bundle referrers (images.md §1.3 "Reading"; cosign
   `pkg/cosign/verify.go GetBundles`): any referrer may be one (ggcr wrote them with an empty
   artifactType), a bundle referrer has exactly one bundle layer, and the bundle is verified with
   @sigstore/verify against the instance, then bound to the image by its statement's subject. */
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { toSignedEntity, Verifier } from '@sigstore/verify';
import { checkBundleStructure } from '../../verify/bundle-checks';
import { signedEntityFor } from '../../verify/signed-entity';
import { COSIGN_SIGN_PREDICATE_TYPE } from './statement';
import { checkImageStatement, type ImageTrust } from './image-trust';
import { OCI_EMPTY, type OciDescriptor, SIGSTORE_BUNDLE_PREFIX, sha256Hex } from './oci';
import { SignatureRejected, type VerifiedSignature } from './verified-signature';

/** Bundle media types cosign's reader accepts (v0.3 and later). */
const BUNDLE_V03_OR_LATER = /^application\/vnd\.dev\.sigstore\.bundle\.v0\.([3-9]|\d{2,})\+json$/;

/**
 * Whether a referrer descriptor may hold a bundle, before its manifest is read: its artifactType
 * is a Sigstore bundle type, or says nothing (absent, empty, or go-containerregistry's
 * `application/vnd.oci.empty.v1+json` in fallback indexes it wrote); then the manifest decides.
 */
export function mayBeBundleReferrer(descriptor: OciDescriptor): boolean {
  const type = descriptor.artifactType;
  return (
    type === undefined ||
    type === '' ||
    type === OCI_EMPTY ||
    type.startsWith(SIGSTORE_BUNDLE_PREFIX)
  );
}

/**
 * The bundle layer of a referrer manifest, or undefined when the manifest is not a bundle
 * referrer (then it is someone else's artifact: skip it). Throws {@link SignatureRejected}
 * `REFERRER_ERROR` for a bundle referrer that is malformed: more than one bundle layer, or a
 * subject other than `digest`.
 */
export function bundleLayerOf(manifest: Buffer, digest: string): OciDescriptor | undefined {
  let json: { layers?: unknown; subject?: { digest?: unknown } };
  try {
    json = JSON.parse(manifest.toString('utf8')) as typeof json;
  } catch {
    return undefined;
  }
  if (json === null || typeof json !== 'object' || !Array.isArray(json.layers)) return undefined;
  const layers = (json.layers as Partial<OciDescriptor>[]).filter(
    (l) => typeof l?.mediaType === 'string' && l.mediaType.startsWith(SIGSTORE_BUNDLE_PREFIX),
  );
  if (layers.length === 0) return undefined;
  if (layers.length > 1) {
    throw new SignatureRejected(
      'REFERRER_ERROR',
      `the referrer has ${layers.length} bundle layers, not one`,
    );
  }
  const subject = json.subject?.digest;
  if (subject !== digest) {
    throw new SignatureRejected(
      'REFERRER_ERROR',
      // Not String(): it throws on an object whose toString is not callable.
      `the referrer's subject is ${typeof subject === 'string' ? subject : (JSON.stringify(subject) ?? 'missing')}, not the image ${digest}`,
    );
  }
  const layer = layers[0]!;
  if (typeof layer.digest !== 'string' || typeof layer.size !== 'number') {
    throw new SignatureRejected('REFERRER_ERROR', 'the bundle layer is not a descriptor');
  }
  return layer as OciDescriptor;
}

/**
 * Verifies the bundle JSON `bytes` of a referrer at `source`: a bundle v0.3 or later, checked by
 * @sigstore/verify against `trust` (certificate chain and SCT, log entry and its proof or SET,
 * signature), then bound to the image — a DSSE statement must name the image digest as a
 * subject (`SUBJECT_DIGEST_MISMATCH`), a message signature must sign the manifest digest
 * (`MESSAGE_DIGEST_MISMATCH`). The identity is the caller's to check. Throws
 * {@link SignatureRejected} or sigstore-js's errors (see `checkSignature`).
 */
export function verifyBundleReferrer(
  bytes: Buffer,
  trust: ImageTrust,
  source: string,
): VerifiedSignature {
  const bundle = parseReferrerBundle(bytes);
  checkBundleStructure(bundle);
  if (bundle.content.$case === 'messageSignature') {
    const entity = signedEntityFor(bundle, { kind: 'digest', sha256: sha256Hex(trust.digest) });
    const signer = new Verifier(trust.trustMaterial).verify(entity);
    return { format: 'bundle', kind: 'signature', source, signer };
  }
  const signer = new Verifier(trust.trustMaterial).verify(toSignedEntity(bundle));
  const statement = checkImageStatement(bundle.content.dsseEnvelope, trust.digest);
  return {
    format: 'bundle',
    kind: statement.predicateType === COSIGN_SIGN_PREDICATE_TYPE ? 'signature' : 'attestation',
    predicateType: statement.predicateType,
    source,
    signer,
    ...(statement.annotations !== undefined ? { annotations: statement.annotations } : {}),
  };
}

function parseReferrerBundle(bytes: Buffer): Bundle {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(JSON.parse(bytes.toString('utf8')));
  } catch (err) {
    throw new SignatureRejected(
      'BUNDLE_ERROR',
      `the layer is not a Sigstore bundle: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (!BUNDLE_V03_OR_LATER.test(bundle.mediaType)) {
    throw new SignatureRejected(
      'BUNDLE_ERROR',
      `the bundle is ${bundle.mediaType}; a referrer carries a bundle v0.3 or later`,
    );
  }
  return bundle;
}
