/* What changed between two trusted roots, counted in the keys and certificates they trust. */
import type { TimeRange, TrustedRoot } from '@sigstore/protobuf-specs';

const KINDS = [
  ['tlogs', 'transparency log key'],
  ['ctlogs', 'CT log key'],
  ['certificateAuthorities', 'CA certificate'],
  ['timestampAuthorities', 'timestamp authority certificate'],
] as const;

type Kind = (typeof KINDS)[number][0];

/**
 * The trust each entry of `root` grants, one string per key or certificate: its kind, bytes and
 * validity. Base URLs and other labels are left out: verification never trusts them.
 */
function trustOf(root: TrustedRoot): Map<Kind, Set<string>> {
  const when = (v: TimeRange | undefined) =>
    `${v?.start?.toISOString() ?? ''}..${v?.end?.toISOString() ?? ''}`;
  const bytes = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('base64');
  const logs = (logs: TrustedRoot['tlogs']) =>
    new Set(logs.map((l) => `${bytes(l.publicKey?.rawBytes)} ${when(l.publicKey?.validFor)}`));
  const cas = (cas: TrustedRoot['certificateAuthorities']) =>
    new Set(
      cas.flatMap((ca) =>
        (ca.certChain?.certificates ?? []).map((c) => `${bytes(c.rawBytes)} ${when(ca.validFor)}`),
      ),
    );
  return new Map<Kind, Set<string>>([
    ['tlogs', logs(root.tlogs)],
    ['ctlogs', logs(root.ctlogs)],
    ['certificateAuthorities', cas(root.certificateAuthorities)],
    ['timestampAuthorities', cas(root.timestampAuthorities)],
  ]);
}

/**
 * How `next` differs from `previous` in what it trusts, e.g. `adds 1 CA certificate, drops 1 CA
 * certificate`; undefined when both trust the same keys and certificates for the same times.
 */
export function describeTrustChanges(previous: TrustedRoot, next: TrustedRoot): string | undefined {
  const before = trustOf(previous);
  const after = trustOf(next);
  const changes: string[] = [];
  for (const [kind, noun] of KINDS) {
    const was = before.get(kind) ?? new Set<string>();
    const now = after.get(kind) ?? new Set<string>();
    const added = [...now].filter((k) => !was.has(k)).length;
    const dropped = [...was].filter((k) => !now.has(k)).length;
    if (added > 0) changes.push(`adds ${added} ${noun}${added === 1 ? '' : 's'}`);
    if (dropped > 0) changes.push(`drops ${dropped} ${noun}${dropped === 1 ? '' : 's'}`);
  }
  return changes.length === 0 ? undefined : changes.join(', ');
}
