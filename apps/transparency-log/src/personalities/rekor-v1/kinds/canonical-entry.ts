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

/**
 * A proposed entry whose shape, limits and encodings are checked and whose canonical body is
 * known (for dsse, up to which verifier checked which signature), but none of whose signatures
 * has been verified yet: the log authorizes {@link verifiers} first, which costs no signature
 * verification for a bare key and one (cached above the issuer) for a certificate.
 */
export interface ParsedEntry {
  kind: EntryKind;
  apiVersion: string;
  /** Every distinct key or certificate the entry names, in the order it names them. */
  verifiers: EntryVerifier[];
  /**
   * The canonical body, when it does not depend on which verifier checks which signature (all
   * but a dsse entry with several verifiers): a stored entry with these bytes had its signatures
   * verified when it was written.
   */
  body?: Buffer;
  /** The least the canonical body can weigh in bytes: {@link body}'s length, or dsse's lightest pairing. */
  minBodyLength: number;
  /**
   * Verifies every signature (and any chain sent with a certificate) and returns the canonical
   * entry.
   *
   * @throws EntryError `INVALID_SIGNATURE` or `INVALID_VERIFIER`, naming the field.
   */
  verify(): CanonicalEntry;
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
