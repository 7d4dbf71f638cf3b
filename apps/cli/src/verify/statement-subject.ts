/* For DSSE bundles: the file being verified must be a subject of the signed in-toto statement. */
import type { Envelope } from '@sigstore/bundle';
import { verificationFailed } from '../cli/exit-codes';
import { IN_TOTO_PAYLOAD_TYPE } from '../sign/statement';

/** What a verified attestation says, for output. */
export interface StatementSummary {
  predicateType: string;
  subjects: { name?: string; digest: Record<string, string> }[];
}

/**
 * Checks that `envelope` carries an in-toto statement with a subject whose sha256 digest is
 * `sha256` (lowercase hex) and returns its summary. Throws a failed verification otherwise.
 */
export function checkStatementSubject(envelope: Envelope, sha256: string): StatementSummary {
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw verificationFailed(
      `the envelope's payload type is ${JSON.stringify(envelope.payloadType)}, not ${IN_TOTO_PAYLOAD_TYPE}`,
      'STATEMENT_ERROR',
    );
  }
  let statement: { predicateType?: unknown; subject?: unknown };
  try {
    statement = JSON.parse(envelope.payload.toString('utf8')) as typeof statement;
  } catch (err) {
    throw verificationFailed('the envelope payload is not JSON', 'STATEMENT_ERROR', err);
  }
  if (!Array.isArray(statement.subject) || typeof statement.predicateType !== 'string') {
    throw verificationFailed(
      'the envelope payload is not an in-toto statement (no subject or predicateType)',
      'STATEMENT_ERROR',
    );
  }
  const subjects = (statement.subject as unknown[]).flatMap((s) => {
    const { name, digest } = (s ?? {}) as { name?: unknown; digest?: unknown };
    if (typeof digest !== 'object' || digest === null) return [];
    const digests = Object.fromEntries(
      Object.entries(digest).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    return [{ ...(typeof name === 'string' ? { name } : {}), digest: digests }];
  });
  if (!subjects.some((s) => s.digest.sha256?.toLowerCase() === sha256)) {
    throw verificationFailed(
      `no subject of the statement has the file's sha256 ${sha256} (subjects: ${subjects
        .map((s) => `${s.name ?? '?'} sha256:${s.digest.sha256 ?? '-'}`)
        .join(', ')})`,
      'SUBJECT_DIGEST_MISMATCH',
    );
  }
  return { predicateType: statement.predicateType, subjects };
}
