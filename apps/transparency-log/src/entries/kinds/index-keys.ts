/** The DSSE payload type of in-toto statements (in-toto attestation `envelope.md`). */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * Returns `sha256:<hex>` for each `subject[].digest.sha256` of an in-toto statement (in-toto
 * attestation `statement.md`), lowercased. A payload of another type, or one that is not a
 * statement, yields no keys: the index is a convenience, not part of what the log commits to.
 */
export function statementSubjectKeys(payloadType: string, payload: Uint8Array): string[] {
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) return [];
  let statement: unknown;
  try {
    statement = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return [];
  }
  const subjects = (statement as { subject?: unknown } | null)?.subject;
  if (!Array.isArray(subjects)) return [];
  return subjects.flatMap((subject: unknown) => {
    const digest = (subject as { digest?: { sha256?: unknown } } | null)?.digest?.sha256;
    return typeof digest === 'string' && SHA256_HEX.test(digest)
      ? [`sha256:${digest.toLowerCase()}`]
      : [];
  });
}

/** Returns `keys` without repeats, each kept where it first appears. */
export function uniqueKeys(keys: Iterable<string>): string[] {
  return [...new Set(keys)];
}
