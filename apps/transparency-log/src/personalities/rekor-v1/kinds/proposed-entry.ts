// POST /api/v1/log/entries accepts a Rekor `ProposedEntry` (rekor:openapi.yaml): `kind`,
// `apiVersion` and a kind-specific `spec`. Each supported kind lives in its own module.
import {
  EntryError,
  type CanonicalEntry,
  type EntryKind,
  type ParsedEntry,
} from './canonical-entry';
import { DSSE_VERSION, parseDsse } from './dsse';
import { quote, readObject, readString } from './fields';
import { HASHEDREKORD_VERSION, parseHashedRekord } from './hashedrekord';
import { INTOTO_VERSION, parseIntoto } from './intoto';

const KINDS: Readonly<
  Record<EntryKind, { version: string; parse: (spec: unknown) => ParsedEntry }>
> = {
  hashedrekord: { version: HASHEDREKORD_VERSION, parse: parseHashedRekord },
  dsse: { version: DSSE_VERSION, parse: parseDsse },
  intoto: { version: INTOTO_VERSION, parse: parseIntoto },
};

const SUPPORTED = Object.entries(KINDS)
  .map(([kind, { version }]) => `${kind} ${version}`)
  .join(', ');

/**
 * Validates the parsed JSON body of `POST /api/v1/log/entries` without verifying any signature:
 * its shape, encodings and limits, and the keys or certificates it names, which the caller
 * authorizes before it calls `verify()` (signatures, then the canonical entry). Rekor's canonical
 * form is the JCS bytes the log commits to. Deterministic: equal input gives byte-equal output.
 *
 * @throws EntryError `UNSUPPORTED_KIND` for a kind or apiVersion other than hashedrekord 0.0.1,
 *   dsse 0.0.1 or intoto 0.0.2; otherwise as each kind's parser. Every message starts with the
 *   path of the offending field.
 */
export function parseProposedEntry(input: unknown): ParsedEntry {
  const entry = readObject(input, '', ['apiVersion', 'kind', 'spec']);
  const kind = readString(entry.kind, 'kind');
  const apiVersion = readString(entry.apiVersion, 'apiVersion');
  if (!Object.hasOwn(KINDS, kind)) {
    throw new EntryError(
      'UNSUPPORTED_KIND',
      `kind: unsupported kind ${quote(kind)} (supported: ${SUPPORTED})`,
    );
  }
  const { version, parse } = KINDS[kind as EntryKind];
  if (apiVersion !== version) {
    throw new EntryError(
      'UNSUPPORTED_KIND',
      `apiVersion: unsupported version ${quote(apiVersion)} of ${kind} (supported: ${version})`,
    );
  }
  return parse(entry.spec);
}

/**
 * {@link parseProposedEntry}, then `verify()`: the entry as Rekor would store it, every
 * signature verified. Whether its keys may write to this log is the caller's decision.
 */
export function canonicalizeProposedEntry(input: unknown): CanonicalEntry {
  return parseProposedEntry(input).verify();
}
