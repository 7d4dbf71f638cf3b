import { IN_TOTO_PAYLOAD_TYPE, parseInTotoStatement } from '@app/signing';

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * Returns `sha256:<hex>` for each `subject[].digest.sha256` of an in-toto statement (in-toto
 * attestation `statement.md`), lowercased. A payload of another type, or one that is not a
 * statement, yields no keys: the index is a convenience, not part of what the log commits to.
 */
export function statementSubjectKeys(payloadType: string, payload: Uint8Array): string[] {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) return [];
  let subjects;
  try {
    subjects = parseInTotoStatement(payload)?.subjects ?? [];
  } catch {
    return [];
  }
  return subjects.flatMap(({ digest: { sha256 } }) =>
    sha256 !== undefined && SHA256_HEX.test(sha256) ? [`sha256:${sha256.toLowerCase()}`] : [],
  );
}

/** Returns `keys` without repeats, each kept where it first appears. */
export function uniqueKeys(keys: Iterable<string>): string[] {
  return [...new Set(keys)];
}
