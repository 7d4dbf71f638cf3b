/* The payload a legacy `.sig` layer signs: containers/image "simple signing" as cosign writes it
   (images.md §1.1; sigstore/sigstore `pkg/signature/payload`, `SimpleContainerImage`). */
import { sortedAnnotations } from './oci';

/** `critical.type` of a cosign image signature. */
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';

/** Docker Hub's names; ggcr names the registry `index.docker.io` in references. */
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** What a simple-signing payload claims. */
export interface SimpleSigningClaims {
  dockerReference: string;
  manifestDigest: string;
  annotations: Record<string, unknown> | null;
}

/**
 * The `docker-reference` of an image: its repository without tag or digest
 * (`p.Image.Repository.Name()`), Docker Hub written `index.docker.io` as go-containerregistry does.
 */
export function dockerReference(image: { registry: string; repository: string }): string {
  const registry = DOCKER_HUB.has(image.registry) ? 'index.docker.io' : image.registry;
  return `${registry}/${image.repository}`;
}

/** Whether two docker references name the same repository (Docker Hub's aliases are one). */
export function sameRepository(a: string, b: string): boolean {
  const norm = (ref: string): string => {
    const slash = ref.indexOf('/');
    const host = ref.slice(0, slash);
    return DOCKER_HUB.has(host) ? `index.docker.io${ref.slice(slash)}` : ref;
  };
  return norm(a) === norm(b);
}

/**
 * The payload bytes: `{"critical":{"identity":{"docker-reference"},"image":{"docker-manifest-digest"},
 * "type"},"optional":annotations|null}`, fields in the Go structs' order, annotation keys sorted.
 */
export function simpleSigningPayload(
  reference: string,
  digest: string,
  annotations: Record<string, string> = {},
): Buffer {
  const optional = Object.keys(annotations).length === 0 ? null : sortedAnnotations(annotations);
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': reference },
        image: { 'docker-manifest-digest': digest },
        type: COSIGN_SIGNATURE_TYPE,
      },
      optional,
    }),
  );
}

/**
 * Reads a payload as containers/image does (`signature/simplesigning` untrusted payload):
 * `critical.type` must be {@link COSIGN_SIGNATURE_TYPE}, the digest and reference strings.
 * Throws an Error saying which field is wrong.
 */
export function parseSimpleSigningPayload(bytes: Uint8Array): SimpleSigningClaims {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new Error('the payload is not JSON');
  }
  const critical = (json as { critical?: unknown } | null)?.critical as
    | { identity?: Record<string, unknown>; image?: Record<string, unknown>; type?: unknown }
    | undefined;
  if (typeof critical !== 'object' || critical === null) {
    throw new Error('the payload has no "critical" object');
  }
  if (critical.type !== COSIGN_SIGNATURE_TYPE) {
    throw new Error(
      `critical.type is ${JSON.stringify(critical.type)}, not "${COSIGN_SIGNATURE_TYPE}"`,
    );
  }
  const manifestDigest = critical.image?.['docker-manifest-digest'];
  if (typeof manifestDigest !== 'string') {
    throw new Error('critical.image["docker-manifest-digest"] is missing');
  }
  const dockerReference = critical.identity?.['docker-reference'];
  if (typeof dockerReference !== 'string') {
    throw new Error('critical.identity["docker-reference"] is missing');
  }
  const optional = (json as { optional?: unknown }).optional;
  const annotations =
    typeof optional === 'object' && optional !== null && !Array.isArray(optional)
      ? (optional as Record<string, unknown>)
      : null;
  return { dockerReference, manifestDigest, annotations };
}
