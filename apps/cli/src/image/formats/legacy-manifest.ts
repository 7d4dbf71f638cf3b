/* The manifest at `sha256-<hex>.sig` / `.att`: one OCI manifest per signed digest, each
   signature one more layer, re-pushed under the same tag (images.md §1.1). */
import { type Blob, blobOf, OCI_CONFIG, OCI_MANIFEST, type OciDescriptor } from './oci';
import { CosignAnnotation, type LegacyLayer } from './legacy-layer';

/** Docker's manifest type: read (cosign with COSIGN_DOCKER_MEDIA_TYPES), rewritten as OCI. */
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

/** What to push for a `.sig`/`.att` tag after appending a layer. */
export interface LegacyManifestUpdate {
  /** False when an equal layer was there already: nothing to push. */
  appended: boolean;
  /** Blobs to upload first (the new layer's and the config); empty when not appended. */
  blobs: Blob[];
  manifest: Buffer;
  mediaType: typeof OCI_MANIFEST;
}

/**
 * Appends `layer` to the manifest `existing` (undefined: the tag does not exist yet), keeping
 * every other layer as found. A layer with the same digest and the same signature annotation is
 * a duplicate (cosign's de-duplication); then `appended` is false and `manifest` is `existing`.
 * The config is an OCI image config listing every layer's digest as a `rootfs.diff_ids` entry
 * (go-containerregistry's empty image plus the layers), which registries that check references
 * need as a blob. Throws an Error naming what is wrong with an `existing` that is not an image
 * manifest (then the caller must not overwrite it).
 */
export function appendLegacyLayer(
  existing: Buffer | undefined,
  layer: LegacyLayer,
): LegacyManifestUpdate {
  const layers = existing === undefined ? [] : legacyManifestLayers(existing);
  const signature = layer.descriptor.annotations?.[CosignAnnotation.signature];
  const duplicate = layers.some(
    (l) =>
      l.digest === layer.descriptor.digest &&
      l.annotations?.[CosignAnnotation.signature] === signature,
  );
  if (duplicate && existing !== undefined) {
    return { appended: false, blobs: [], manifest: existing, mediaType: OCI_MANIFEST };
  }
  const all = [...layers, layer.descriptor];
  const config = blobOf(legacyConfig(all.map((l) => l.digest)));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, size: config.bytes.length, digest: config.digest },
      layers: all,
    }),
  );
  return { appended: true, blobs: [layer.blob, config], manifest, mediaType: OCI_MANIFEST };
}

/**
 * The layer descriptors of a `.sig`/`.att` manifest, as found (annotations included). Throws an
 * Error when `bytes` is not JSON, not an OCI or Docker image manifest, or a layer lacks a string
 * mediaType/digest or a numeric size.
 */
export function legacyManifestLayers(bytes: Buffer): OciDescriptor[] {
  let json: { mediaType?: unknown; schemaVersion?: unknown; layers?: unknown };
  try {
    json = JSON.parse(bytes.toString('utf8')) as typeof json;
  } catch {
    throw new Error('the manifest is not JSON');
  }
  if (json === null || typeof json !== 'object' || json.schemaVersion !== 2) {
    throw new Error('the manifest is not a schemaVersion 2 manifest');
  }
  if (
    json.mediaType !== undefined &&
    json.mediaType !== OCI_MANIFEST &&
    json.mediaType !== DOCKER_MANIFEST
  ) {
    throw new Error(`the manifest is a ${JSON.stringify(json.mediaType)}, not an image manifest`);
  }
  if (!Array.isArray(json.layers)) throw new Error('the manifest has no layers list');
  return (json.layers as unknown[]).map((l, i) => {
    const d = l as Partial<OciDescriptor> | null;
    if (
      typeof d?.mediaType !== 'string' ||
      typeof d.digest !== 'string' ||
      typeof d.size !== 'number'
    ) {
      throw new Error(`layers[${i}] is not a descriptor`);
    }
    return d as OciDescriptor;
  });
}

/** go-containerregistry's empty image config with one history entry and diff_id per layer. */
function legacyConfig(diffIds: string[]): Buffer {
  const epoch = '0001-01-01T00:00:00Z';
  return Buffer.from(
    JSON.stringify({
      architecture: '',
      created: epoch,
      history: diffIds.map(() => ({ created: epoch })),
      os: '',
      rootfs: { type: 'layers', diff_ids: diffIds },
      config: {},
    }),
  );
}
