/* Writing signatures beside an image: a bundle referrer (blobs, then the manifest by digest and
   its entry among the subject's referrers) and a layer appended to a `.sig`/`.att` manifest. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bundle } from '@sigstore/bundle';
import { CliError, ExitCode } from '../cli/exit-codes';
import { bundleReferrer } from './formats/bundle-referrer';
import { CosignAnnotation, type LegacyLayer } from './formats/legacy-layer';
import { appendLegacyLayer, legacyManifestLayers } from './formats/legacy-manifest';
import type { Descriptor, RegistryClient } from './registry/client';
import type { ImageReference } from './registry/reference';

/**
 * Pushes `bundle` as a referrer of `subject` into `repo` (cosign v3's layout): the bundle blob
 * and the empty config, the manifest by its digest, then its entry in the subject's referrers
 * (the API, or the fallback tag). Returns the referrer manifest's descriptor.
 */
export async function publishBundle(
  client: RegistryClient,
  repo: ImageReference,
  bundle: Bundle,
  subject: Descriptor,
  created = new Date(),
): Promise<Descriptor> {
  const referrer = bundleReferrer(bundle, subject, created);
  for (const blob of referrer.blobs) await client.putBlob(repo, blob.bytes);
  return client.pushReferrer(repo, referrer.manifest, referrer.mediaType);
}

/**
 * Appends `layer` to the manifest at `tag` (`sha256-<hex>.sig` or `.att`) in `repo`, keeping the
 * layers others wrote: read, append, push the blobs and the manifest (If-Match its ETag), then
 * after a pause read it again and start over while our layer is missing — registries that ignore
 * If-Match (distribution 2.8) let a concurrent signer overwrite it. Refuses (exit 2) to replace a
 * tag that holds something other than an image manifest.
 */
export async function publishLegacyLayer(
  client: RegistryClient,
  repo: ImageReference,
  tag: string,
  layer: LegacyLayer,
): Promise<void> {
  const { fallbackAttempts, fallbackSettleMs } = client.limits;
  const where = `${repo.registry}/${repo.repository}:${tag}`;
  for (let attempt = 1; attempt <= fallbackAttempts; attempt++) {
    const { manifest, etag } = await client.fetchManifest(repo, tag);
    let update;
    try {
      update = appendLegacyLayer(manifest?.bytes, layer);
    } catch (err) {
      throw new CliError(
        ExitCode.error,
        `${where}: ${(err as Error).message}; not overwriting it`,
        { cause: err },
      );
    }
    if (update.appended) {
      for (const blob of update.blobs) await client.putBlob(repo, blob.bytes);
      const stored = await client.putManifestIf(repo, tag, update.manifest, update.mediaType, etag);
      if (stored === 'precondition failed') {
        await sleep(jitter(fallbackSettleMs));
        continue;
      }
      await sleep(fallbackSettleMs + jitter(fallbackSettleMs));
    }
    const check = await client.getManifest(repo, tag);
    if (check !== undefined && hasLayer(check.bytes, layer)) return;
  }
  throw new CliError(
    ExitCode.unavailable,
    `${where}: concurrent writers removed our layer ${layer.descriptor.digest} ${fallbackAttempts} times; try again`,
  );
}

function hasLayer(manifest: Buffer, layer: LegacyLayer): boolean {
  const signature = layer.descriptor.annotations?.[CosignAnnotation.signature];
  try {
    return legacyManifestLayers(manifest).some(
      (l) =>
        l.digest === layer.descriptor.digest &&
        l.annotations?.[CosignAnnotation.signature] === signature,
    );
  } catch {
    return false;
  }
}

const jitter = (ms: number): number => Math.floor(Math.random() * ms);
