/* `signet image tree REF`: what is attached to an image — the `.sig`/`.att` tags and the
   referrers (API or fallback tag), with their artifact types and annotations — without verifying
   anything. */
import type { CliContext } from '../cli/context';
import { commonOptions, parseCommand } from '../cli/options';
import { legacyManifestLayers } from './formats/legacy-manifest';
import { fallbackTag, legacyTag } from './formats/tags';
import {
  imageAt,
  platformOf,
  registryClient,
  registryHelp,
  registryOptions,
  repositoryName,
  resolveImage,
  signingTargets,
} from './image-registry';
import type { Descriptor, RegistryClient } from './registry/client';
import type { ImageReference } from './registry/reference';

export const imageTreeHelp = `signet image tree: list what is attached to a container image

Usage:
  signet image tree REF [--signature-repo REGISTRY/REPO] [--allow-http HOST]... [--ca-file PEM]
                    [--docker-config FILE] [--json]

Resolves REF to its digest and lists the layers of sha256-<hex>.sig and sha256-<hex>.att and
the referrers of the digest (the referrers API, else the fallback tag sha256-<hex>), each with
its media or artifact type and annotations; for an index, the same for each platform manifest.
Nothing is verified: use \`signet image verify\` for that. Long annotation values are shortened
unless --json.

${registryHelp}

Exit codes: 0 listed; 2 error (image not found, credentials refused); 4 registry unreachable;
64 bad usage.

Examples:
  signet image tree registry.example.com/team/app:1.4.2
  signet image tree localhost:5000/app:dev --allow-http localhost:5000 --json
`;

/** What is attached to one digest. */
interface Attachments {
  digest: string;
  mediaType: string;
  platform?: string;
  signatures: { tag: string; layers: Descriptor[] } | null;
  attestations: { tag: string; layers: Descriptor[] } | null;
  referrers: { fallbackTag: string; fallbackTagPresent: boolean; manifests: Descriptor[] };
}

/** `signet image tree`; returns the exit code. */
export async function imageTree(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals, help } = parseCommand(
    argv,
    { ...commonOptions, ...registryOptions },
    ['REF'],
  );
  if (help) {
    ctx.print(imageTreeHelp.trimEnd());
    return 0;
  }
  const client = registryClient(values, ctx);
  try {
    const image = await resolveImage(client, positionals[0]!, values);
    const found: Attachments[] = [];
    for (const target of signingTargets(image, true)) {
      found.push(await attachmentsOf(client, image.signatures, target));
    }
    if (values.json === true) {
      ctx.print(
        JSON.stringify({
          image: repositoryName(image.ref),
          ...(image.ref.tag !== undefined && { tag: image.ref.tag }),
          signatureRepository: repositoryName(image.signatures),
          manifests: found,
        }),
      );
      return 0;
    }
    for (const a of found) {
      const platform = a.platform === undefined ? '' : ` ${a.platform}`;
      ctx.print(`${imageAt(image, a.digest)}${platform} (${a.mediaType})`);
      for (const [what, tagged] of [
        ['signatures', a.signatures],
        ['attestations', a.attestations],
      ] as const) {
        if (tagged === null) continue;
        ctx.print(`  ${what} ${tagged.tag}: ${tagged.layers.length} layer(s)`);
        for (const layer of tagged.layers) printDescriptor(ctx, layer, '    ');
      }
      const { referrers } = a;
      const via = referrers.fallbackTagPresent ? ` (fallback tag ${referrers.fallbackTag})` : '';
      ctx.print(`  referrers${via}: ${referrers.manifests.length}`);
      for (const d of referrers.manifests) printDescriptor(ctx, d, '    ');
    }
    return 0;
  } finally {
    client.close();
  }
}

async function attachmentsOf(
  client: RegistryClient,
  repo: ImageReference,
  target: Descriptor,
): Promise<Attachments> {
  const tagged = async (suffix: 'sig' | 'att') => {
    const tag = legacyTag(target.digest, suffix);
    const manifest = await client.getManifest(repo, tag);
    if (manifest === undefined) return null;
    let layers: Descriptor[];
    try {
      layers = legacyManifestLayers(manifest.bytes);
    } catch {
      layers = []; // not a .sig/.att manifest: listed as holding no layer
    }
    return { tag, layers };
  };
  const platform = platformOf(target);
  const tag = fallbackTag(target.digest);
  return {
    digest: target.digest,
    mediaType: target.mediaType,
    ...(platform !== undefined && { platform }),
    signatures: await tagged('sig'),
    attestations: await tagged('att'),
    referrers: {
      fallbackTag: tag,
      fallbackTagPresent: (await client.getManifest(repo, tag)) !== undefined,
      manifests: await client.referrers(repo, target.digest),
    },
  };
}

function printDescriptor(ctx: CliContext, d: Descriptor, indent: string): void {
  ctx.print(`${indent}${d.digest} ${d.artifactType ?? d.mediaType} (${d.size} bytes)`);
  for (const [key, value] of Object.entries(d.annotations ?? {})) {
    ctx.print(`${indent}  ${key}: ${shorten(value)}`);
  }
}

function shorten(value: string): string {
  const line = value.replace(/\s+/g, ' ');
  return line.length <= 72 ? line : `${line.slice(0, 69)}...`;
}
