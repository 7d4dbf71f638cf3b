/* Tags cosign derives from a digest (images.md §1.1 "Tag-based discovery", §1.4 fallback tag):
   `sha256:<hex>` → `sha256-<hex>` (cosign `pkg/oci/remote/remote.go normalize`). */
import { sha256Hex } from './oci';

/** The legacy tag of `digest`'s signatures or attestations: `sha256-<hex>.sig` / `.att`. */
export function legacyTag(digest: string, suffix: 'sig' | 'att'): string {
  return `${fallbackTag(digest)}.${suffix}`;
}

/** The referrers fallback tag of `digest` (distribution-spec "Referrers Tag Schema"): `sha256-<hex>`. */
export function fallbackTag(digest: string): string {
  return `sha256-${sha256Hex(digest)}`;
}
