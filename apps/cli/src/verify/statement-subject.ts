/* For DSSE bundles: the file being verified must be a subject of the signed in-toto statement. */
import type { Envelope } from '@sigstore/bundle';
import {
  IN_TOTO_PAYLOAD_TYPE,
  type InTotoStatement,
  type InTotoSubject,
  parseInTotoStatement,
} from '@app/signing';
import { verificationFailed } from '../cli/exit-codes';

/** What a verified attestation says, for output. */
export interface StatementSummary {
  predicateType: string;
  subjects: InTotoSubject[];
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
  let statement: InTotoStatement | undefined;
  try {
    statement = parseInTotoStatement(envelope.payload);
  } catch (err) {
    throw verificationFailed('the envelope payload is not JSON', 'STATEMENT_ERROR', err);
  }
  if (statement === undefined || typeof statement.predicateType !== 'string') {
    throw verificationFailed(
      'the envelope payload is not an in-toto statement (no subject or predicateType)',
      'STATEMENT_ERROR',
    );
  }
  const { predicateType, subjects } = statement;
  if (!subjects.some((s) => s.digest.sha256?.toLowerCase() === sha256)) {
    throw verificationFailed(
      `no subject of the statement has the file's sha256 ${sha256} (subjects: ${subjects
        .map((s) => `${s.name ?? '?'} sha256:${s.digest.sha256 ?? '-'}`)
        .join(', ')})`,
      'SUBJECT_DIGEST_MISMATCH',
    );
  }
  return { predicateType, subjects };
}
