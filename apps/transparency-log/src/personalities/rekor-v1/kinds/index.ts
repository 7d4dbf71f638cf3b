// Rekor v1 entry kinds: validation, signature verification and canonicalization of proposed
// entries into the leaf data the log commits to. Pure: no Nest, no database.
export { EntryError } from './canonical-entry';
export type {
  CanonicalEntry,
  EntryErrorCode,
  EntryKind,
  EntryVerifier,
  ParsedEntry,
} from './canonical-entry';
export { canonicalizeProposedEntry, parseProposedEntry } from './proposed-entry';
