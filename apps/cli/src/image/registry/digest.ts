/* Content digests (OCI image-spec `descriptor.md` "Digests"): every manifest and blob read is
   hashed and compared with the digest it was asked for and with the registry's
   Docker-Content-Digest header. */
import { createHash } from 'node:crypto';

/** `sha256:<hex>` of `bytes`, or `sha512:` when `like` is a sha512 digest. */
export function digestOf(bytes: Buffer, like = 'sha256:'): string {
  const algorithm = like.startsWith('sha512:') ? 'sha512' : 'sha256';
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** The `sha256-<hex>` tag of a digest: the referrers fallback tag (distribution-spec "Referrers Tag Schema"). */
export function referrersTag(digest: string): string {
  return digest.replace(':', '-');
}
