/* containers/image accepts only ECDSA keys for the SET of a legacy signature
   (`rekorPublicKeys []*ecdsa.PublicKey`; images.md §0.8), so `--format legacy` needs a P-256
   artifact log: refused up front otherwise. */
import { PublicKeyDetails, type TrustedRoot } from '@sigstore/protobuf-specs';

/**
 * The reason the legacy format cannot be written for the log at `logUrl` under `root`, or
 * undefined when it can: the trusted root must list that log with a current key (no `validFor.end`
 * in the past) whose details are `PKIX_ECDSA_P256_SHA_256`.
 */
export function legacyLogKeyProblem(
  root: TrustedRoot,
  logUrl: string,
  now = new Date(),
): string | undefined {
  const url = logUrl.replace(/\/+$/, '');
  const current = root.tlogs.filter(
    (t) =>
      t.baseUrl.replace(/\/+$/, '') === url &&
      (t.publicKey?.validFor?.end === undefined || t.publicKey.validFor.end > now),
  );
  if (current.length === 0) return `the trusted root lists no current key for the log ${url}`;
  const other = current.find(
    (t) => t.publicKey?.keyDetails !== PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
  );
  if (other === undefined) return undefined;
  const details = other.publicKey?.keyDetails;
  return `the log ${url} signs with ${details === undefined ? 'an unknown key' : PublicKeyDetails[details]}: containers/image (podman, CRI-O, OpenShift) accepts only ECDSA P-256 log keys for legacy signatures; use --format bundle, or a P-256 LOG_KEY`;
}
