/* What every `signet image` command shares: the registry flags, the client they configure, the
   image a reference names (resolved to its digest: Signet never signs or verifies a tag) and
   the repository its signatures are kept in. */
import type { CliContext } from '../cli/context';
import { usageError } from '../cli/exit-codes';
import { dockerReference } from './formats/simple-signing';
import { RegistryClient, type Descriptor, type Manifest } from './registry/client';
import { isIndexType } from './registry/media-types';
import {
  formatImageReference,
  type ImageReference,
  parseImageReference,
} from './registry/reference';

/** Flags that say how to reach the registry and where signatures live. */
export const registryOptions = {
  'allow-http': { type: 'string', multiple: true },
  'ca-file': { type: 'string' },
  'docker-config': { type: 'string' },
  'signature-repo': { type: 'string' },
} as const;

/** The parsed {@link registryOptions}. */
export interface RegistryValues {
  'allow-http'?: string[];
  'ca-file'?: string;
  'docker-config'?: string;
  'signature-repo'?: string;
}

/** Help text of {@link registryOptions}, for each command's --help. */
export const registryHelp = `Registry: https only, except for the hosts named with --allow-http HOST[:PORT] (repeatable);
--ca-file PEM adds CA certificates for the registry's TLS. Credentials come from the Docker
config file (--docker-config FILE, else $DOCKER_CONFIG/config.json, else ~/.docker/config.json):
"auths", "credHelpers" and "credsStore" (docker-credential-* helpers), as docker login writes
them. --signature-repo REGISTRY/REPO keeps signatures in another repository (cosign's
COSIGN_REPOSITORY); the same flag must then be given to verify.`;

/** An image, resolved: where it lives, its digest and where its signatures are. */
export interface ResolvedImage {
  /** The reference as given (tag and/or digest). */
  ref: ImageReference;
  /** The resolved manifest or index: its media type, digest and size, bytes and JSON. */
  manifest: Manifest;
  /** The repository signatures are written to and read from. */
  signatures: ImageReference;
  /** `registry/repository` of the image as a docker reference (the simple-signing identity). */
  repository: string;
}

/** A client for one command run, configured from the flags. */
export function registryClient(values: RegistryValues, ctx: CliContext): RegistryClient {
  return new RegistryClient({
    allowHttp: values['allow-http'] ?? [],
    ...(values['ca-file'] !== undefined && { caFile: values['ca-file'] }),
    ...(values['docker-config'] !== undefined && { dockerConfig: values['docker-config'] }),
    env: ctx.env,
  });
}

/**
 * Parses `text`, resolves it to the manifest it names (its digest when it pins one, else its
 * tag, else `latest`) and says where its signatures are. Exit 2 when the image is absent.
 */
export async function resolveImage(
  client: RegistryClient,
  text: string,
  values: RegistryValues,
): Promise<ResolvedImage> {
  const ref = parseImageReference(text);
  const manifest = await client.resolve(ref);
  return {
    ref,
    manifest,
    signatures: signatureRepository(ref, values),
    repository: dockerReference(ref),
  };
}

/** `--signature-repo`, else the image's own repository (never with a tag or digest). */
export function signatureRepository(ref: ImageReference, values: RegistryValues): ImageReference {
  const text = values['signature-repo'];
  if (text === undefined) return { registry: ref.registry, repository: ref.repository };
  const repo = parseImageReference(text);
  if (repo.tag !== undefined || repo.digest !== undefined) {
    throw usageError(`--signature-repo ${text}: name a repository, without a tag or digest`);
  }
  return repo;
}

/** The resolved image, then (with `recursive`, for an index) each platform manifest it lists. */
export function signingTargets(image: ResolvedImage, recursive: boolean): Descriptor[] {
  const top = image.manifest.descriptor;
  if (!recursive || !isIndexType(top.mediaType)) return [top];
  const listed = image.manifest.json.manifests;
  if (!Array.isArray(listed)) return [top];
  const children = (listed as Partial<Descriptor>[]).filter(
    (d): d is Descriptor =>
      typeof d?.digest === 'string' &&
      typeof d.mediaType === 'string' &&
      typeof d.size === 'number',
  );
  return [
    top,
    ...children.map((d) => ({
      mediaType: d.mediaType,
      digest: d.digest,
      size: d.size,
      ...(d.platform !== undefined && { platform: d.platform }),
    })),
  ];
}

/** `registry/repository@digest`, for messages. */
export function imageAt(image: ResolvedImage, digest: string): string {
  return formatImageReference({
    registry: image.ref.registry,
    repository: image.ref.repository,
    digest,
  });
}

/** `registry/repository` of a repository reference, for messages and policy patterns. */
export function repositoryName(ref: ImageReference): string {
  return formatImageReference({ registry: ref.registry, repository: ref.repository });
}

/** `os/architecture[/variant]` of a descriptor, or undefined. */
export function platformOf(descriptor: Descriptor): string | undefined {
  const p = descriptor.platform;
  return p === undefined ? undefined : [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}
