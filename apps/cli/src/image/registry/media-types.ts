/* Media types of the OCI image spec and Docker's manifest v2, and the Accept list every manifest
   request sends: distribution 2.8 answers MANIFEST_UNKNOWN for an OCI manifest or index unless
   the OCI type is accepted (registry/handlers/manifests.go), so a 404 without them means nothing. */

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
/** The config of artifacts that have none (image-spec `manifest.md` "Guidance for an Empty Descriptor"). */
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

/** Every manifest and index type this client reads, in the order of preference. */
export const MANIFEST_TYPES: readonly string[] = [
  OCI_MANIFEST,
  OCI_INDEX,
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
];

/** The Accept header of every manifest GET and HEAD. */
export const MANIFEST_ACCEPT = MANIFEST_TYPES.join(', ');

/** True for an index (OCI image index or Docker manifest list). */
export function isIndexType(mediaType: string): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}
