import { c2spKeyHash, signCheckpoint, type Signer } from '@app/signing';
import type { TreeSigning } from '../../core/tree-signing';

/** A v2 shard's checkpoint origin and note key name: the hostname of its URL, no port or path. */
export function rekorV2Origin(publicUrl: string): string {
  return new URL(publicUrl).hostname;
}

/**
 * Rekor v2 shards (rekor-tiles): origin and key name = the hostname of the shard's URL
 * (sigstore-go verifies the checkpoint under `url.Hostname()` of the trusted root's `baseUrl`),
 * C2SP signed-note key IDs, the log ID the untruncated C2SP key hash; no signed entry timestamp
 * (v2 entries have none: a TSA vouches for signing times).
 */
export function rekorV2TreeSigning(signer: Signer, publicUrl: string): TreeSigning {
  const origin = rekorV2Origin(publicUrl);
  return {
    signer,
    logId: c2spKeyHash(signer.publicKey, origin),
    origin: () => origin,
    signCheckpoint: (checkpoint) => signCheckpoint(signer, origin, checkpoint, 'c2sp'),
    signEntry: () => Promise.resolve(Buffer.alloc(0)),
  };
}
