import { BaseError } from '@app/signing';
import type { EntryVerifier } from '../../../core/trust/verifier';

/** The Rekor v1 entry kinds this log accepts. */
export type EntryKind = 'hashedrekord' | 'dsse' | 'intoto';

export type { EntryVerifier };

/** A proposed entry after validation, signature verification and Rekor's canonicalization. */
export interface CanonicalEntry {
  kind: EntryKind;
  /** `0.0.1` for hashedrekord and dsse, `0.0.2` for intoto. */
  apiVersion: string;
  /** RFC 8785 (JCS) bytes of the canonical entry: the Merkle leaf data, as Rekor stores it. */
  body: Buffer;
  /** Every key or certificate whose signature was verified, in the order the entry lists them. */
  verifiers: EntryVerifier[];
  /** Lowercase search-index keys, deduplicated, in a stable order. */
  indexKeys: string[];
}

/** Codes of {@link EntryError}. */
export type EntryErrorCode =
  | 'MALFORMED_ENTRY'
  | 'UNSUPPORTED_KIND'
  | 'INVALID_SIGNATURE'
  | 'INVALID_VERIFIER'
  | 'HASH_MISMATCH';

/**
 * A proposed entry the log refuses. The message starts with the field path
 * (`spec.data.hash.value:`) and says which check failed; it never contains more of the client's
 * input than a short excerpt.
 */
export class EntryError extends BaseError<EntryErrorCode> {}
