/* The referrers index, pure: the descriptor a referrer is listed under, reading an index a
   registry or another tool wrote, and merging our descriptor into the fallback tag's index
   (OCI distribution-spec `spec.md` "Referrers Tag Schema" and "Pushing Manifests with Subject"). */
import { isDeepStrictEqual } from 'node:util';
import { isDigest } from './reference';
import { OCI_EMPTY, OCI_INDEX } from './media-types';

/** An OCI descriptor (image-spec `descriptor.md`). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string; variant?: string };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Annotations as a string map; undefined when absent or not one. */
function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const entries = Object.entries(value).filter(
    (e): e is [string, string] => typeof e[1] === 'string',
  );
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/**
 * The descriptor under which `manifest` (stored as `descriptor`) is listed among its subject's
 * referrers: `artifactType` is the manifest's, else its config's media type; every annotation of
 * the manifest is copied (what ggcr before v0.22.1 left out).
 */
export function referrerDescriptor(manifest: Json, descriptor: Descriptor): Descriptor {
  const config = isObject(manifest.config) ? manifest.config : {};
  const artifactType =
    typeof manifest.artifactType === 'string' && manifest.artifactType !== ''
      ? manifest.artifactType
      : typeof config.mediaType === 'string'
        ? config.mediaType
        : undefined;
  const annotations = stringMap(manifest.annotations);
  return {
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    ...(artifactType !== undefined && { artifactType }),
    ...(annotations !== undefined && { annotations }),
  };
}

/** A descriptor read from an index, or undefined when the entry is not one. */
export function readDescriptor(entry: unknown): Descriptor | undefined {
  if (!isObject(entry)) return undefined;
  const { mediaType, digest, size, artifactType, platform } = entry;
  if (typeof mediaType !== 'string' || typeof digest !== 'string' || !isDigest(digest))
    return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
  const annotations = stringMap(entry.annotations);
  const platformOk =
    isObject(platform) &&
    typeof platform.os === 'string' &&
    typeof platform.architecture === 'string';
  return {
    mediaType,
    digest,
    size,
    ...(typeof artifactType === 'string' && artifactType !== '' && { artifactType }),
    ...(annotations !== undefined && { annotations }),
    ...(platformOk && {
      platform: {
        os: platform.os as string,
        architecture: platform.architecture as string,
        ...(typeof platform.variant === 'string' && { variant: platform.variant }),
      },
    }),
  };
}

/**
 * The descriptors of an index's `manifests`, tolerantly: entries that are not descriptors are
 * skipped; entries without annotations or with the empty artifact type (as go-containerregistry
 * before v0.22.1 wrote them) are kept, for callers to judge by fetching the manifest. Throws
 * when there are more than `max`.
 */
export function indexDescriptors(index: Json, max: number): Descriptor[] {
  const manifests = Array.isArray(index.manifests) ? (index.manifests as unknown[]) : [];
  if (manifests.length > max) {
    throw new RangeError(`lists ${manifests.length} manifests, more than the ${max} allowed`);
  }
  return manifests.flatMap((m) => readDescriptor(m) ?? []);
}

/**
 * True when a referrer listed as `descriptor` may be of `artifactType`: it says so, or it says
 * nothing useful (no artifact type, or the empty config type ggcr used) and only its manifest
 * can tell.
 */
export function mayBeArtifactType(descriptor: Descriptor, artifactType: string): boolean {
  const listed = descriptor.artifactType;
  return listed === artifactType || listed === undefined || listed === OCI_EMPTY;
}

/**
 * The fallback index with `descriptor` appended: `existing` (the tag's index, or undefined when
 * the tag is new) keeps its other fields and every other entry in order; an entry with the same
 * digest is replaced by ours. Returns undefined when `existing` already lists `descriptor` as is.
 */
export function mergeReferrersIndex(
  existing: Json | undefined,
  descriptor: Descriptor,
): Json | undefined {
  const base: Json = existing ?? { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] };
  const manifests = Array.isArray(base.manifests) ? (base.manifests as unknown[]) : [];
  const same = (m: unknown) => isObject(m) && m.digest === descriptor.digest;
  const current = manifests.find(same);
  if (current !== undefined && isDeepStrictEqual(readDescriptor(current), descriptor)) {
    return undefined;
  }
  return {
    ...base,
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [...manifests.filter((m) => !same(m)), descriptor],
  };
}
