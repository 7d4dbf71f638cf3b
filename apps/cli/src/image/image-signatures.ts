/* Reading back what is stored beside an image and checking each piece: bundle referrers (the
   referrers API or the fallback tag, tolerant of entries other tools wrote) and the layers of
   `sha256-<hex>.sig` and `.att`. A piece that fails is a rejection with its reason, never the
   end of the run: one bad or foreign signature must not hide a good one. */
import {
  bundleLayerOf,
  mayBeBundleReferrer,
  verifyBundleReferrer,
} from './formats/bundle-verification';
import type { ImageTrust } from './formats/image-trust';
import { legacyManifestLayers } from './formats/legacy-manifest';
import { verifyLegacyAttestation, verifyLegacySignature } from './formats/legacy-verification';
import { legacyTag } from './formats/tags';
import {
  checkSignature,
  type SignatureCheck,
  type SignatureFormat,
  type VerifiedSignature,
} from './formats/verified-signature';
import type { Descriptor, RegistryClient } from './registry/client';
import type { ImageReference } from './registry/reference';

/** Largest signature blob read: a bundle or DSSE envelope (SBOM predicates can be large). */
export const SIGNATURE_BLOB_MAX_BYTES = 16 * 1024 * 1024;
/** Manifests and blobs fetched at once. */
const PARALLEL = 8;

/** Which stored pieces to read. */
export interface Wanted {
  /** `.att` layers (bundle referrers are read whatever they hold). */
  attestations: boolean;
}

/**
 * Checks every signature and attestation stored for `trust.digest` in `repo` (bundle referrers,
 * `.sig` layers, and `.att` layers when `wanted.attestations`). Registry failures other than a
 * bad digest propagate (exit 2/4); the pieces' own failures are rejections.
 */
export async function checkStoredSignatures(
  client: RegistryClient,
  repo: ImageReference,
  trust: ImageTrust,
  wanted: Wanted,
): Promise<SignatureCheck[]> {
  const referrers = (await client.referrers(repo, trust.digest)).filter(mayBeBundleReferrer);
  const checks = await mapLimit(referrers, (d) => checkReferrer(client, repo, trust, d));
  checks.push(...(await checkLegacy(client, repo, trust, 'sig')));
  if (wanted.attestations) checks.push(...(await checkLegacy(client, repo, trust, 'att')));
  return checks.filter((c): c is SignatureCheck => c !== undefined);
}

async function checkReferrer(
  client: RegistryClient,
  repo: ImageReference,
  trust: ImageTrust,
  descriptor: Descriptor,
): Promise<SignatureCheck | undefined> {
  const source = `referrer ${descriptor.digest}`;
  return checked('bundle', source, async () => {
    const manifest = await client.getManifest(repo, descriptor.digest);
    if (manifest === undefined) return undefined; // listed, since deleted: nothing to check
    const layer = bundleLayerOf(manifest.bytes, trust.digest);
    if (layer === undefined) return undefined; // another tool's artifact
    const blob = await client.getBlob(repo, layer.digest, SIGNATURE_BLOB_MAX_BYTES);
    return () => verifyBundleReferrer(blob, trust, source);
  });
}

async function checkLegacy(
  client: RegistryClient,
  repo: ImageReference,
  trust: ImageTrust,
  suffix: 'sig' | 'att',
): Promise<(SignatureCheck | undefined)[]> {
  const tag = legacyTag(trust.digest, suffix);
  const manifest = await client.getManifest(repo, tag);
  if (manifest === undefined) return [];
  let layers: Descriptor[];
  try {
    layers = legacyManifestLayers(manifest.bytes).slice(0, client.limits.referrers);
  } catch (err) {
    return [
      {
        verified: false,
        format: 'legacy',
        source: tag,
        code: 'LAYER_ERROR',
        message: (err as Error).message,
      },
    ];
  }
  const verify = suffix === 'sig' ? verifyLegacySignature : verifyLegacyAttestation;
  return mapLimit(layers, (layer, i) => {
    const source = `${tag} layer ${i}`;
    return checked('legacy', source, async () => {
      const blob = await client.getBlob(repo, layer.digest, SIGNATURE_BLOB_MAX_BYTES);
      return () => verify(layer, blob, trust, source);
    });
  });
}

/**
 * Runs `prepare` (fetching what is needed; undefined when there is nothing to check) and then
 * the verification it returns, turning either's rejections into a failed check.
 */
async function checked(
  format: SignatureFormat,
  source: string,
  prepare: () => Promise<(() => VerifiedSignature) | undefined>,
): Promise<SignatureCheck | undefined> {
  let verify: (() => VerifiedSignature) | undefined;
  try {
    verify = await prepare();
  } catch (err) {
    return checkSignature(format, source, () => {
      throw err;
    });
  }
  return verify === undefined ? undefined : checkSignature(format, source, verify);
}

async function mapLimit<T, R>(items: readonly T[], fn: (item: T, i: number) => Promise<R>) {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return results;
}
