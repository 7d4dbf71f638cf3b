// POST /api/v1/log/entries accepts a Rekor `ProposedEntry` (rekor:openapi.yaml): `kind`,
// `apiVersion` and a kind-specific `spec`. Each supported kind lives in its own module.
import { EntryError, type CanonicalEntry, type EntryKind } from './canonical-entry';
import { canonicalizeDsse, DSSE_VERSION } from './dsse';
import { quote, readObject, readString } from './fields';
import { canonicalizeHashedRekord, HASHEDREKORD_VERSION } from './hashedrekord';
import { canonicalizeIntoto, INTOTO_VERSION } from './intoto';

const KINDS: Readonly<
  Record<EntryKind, { version: string; canonicalize: (spec: unknown) => CanonicalEntry }>
> = {
  hashedrekord: { version: HASHEDREKORD_VERSION, canonicalize: canonicalizeHashedRekord },
  dsse: { version: DSSE_VERSION, canonicalize: canonicalizeDsse },
  intoto: { version: INTOTO_VERSION, canonicalize: canonicalizeIntoto },
};

const SUPPORTED = Object.entries(KINDS)
  .map(([kind, { version }]) => `${kind} ${version}`)
  .join(', ');

/**
 * Validates the parsed JSON body of `POST /api/v1/log/entries`, verifies every signature it
 * carries, and returns the entry as Rekor would store it: the JCS bytes of its canonical form (the
 * Merkle leaf), the keys that verified, and the search-index keys. Whether those keys may write to
 * this log is the caller's decision. Deterministic: equal input gives byte-equal output.
 *
 * @throws EntryError `UNSUPPORTED_KIND` for a kind or apiVersion other than hashedrekord 0.0.1,
 *   dsse 0.0.1 or intoto 0.0.2; otherwise as each kind's canonicalizer. Every message starts with
 *   the path of the offending field.
 */
export function canonicalizeProposedEntry(input: unknown): CanonicalEntry {
  const entry = readObject(input, '', ['apiVersion', 'kind', 'spec']);
  const kind = readString(entry.kind, 'kind');
  const apiVersion = readString(entry.apiVersion, 'apiVersion');
  if (!Object.hasOwn(KINDS, kind)) {
    throw new EntryError(
      'UNSUPPORTED_KIND',
      `kind: unsupported kind ${quote(kind)} (supported: ${SUPPORTED})`,
    );
  }
  const { version, canonicalize } = KINDS[kind as EntryKind];
  if (apiVersion !== version) {
    throw new EntryError(
      'UNSUPPORTED_KIND',
      `apiVersion: unsupported version ${quote(apiVersion)} of ${kind} (supported: ${version})`,
    );
  }
  return canonicalize(entry.spec);
}
