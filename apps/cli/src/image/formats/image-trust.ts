/* What a stored signature is verified against: the instance's trust material and the image. */
import type { Envelope } from '@sigstore/bundle';
import type { TrustMaterial } from '@sigstore/verify';
import { IN_TOTO_PAYLOAD_TYPE, parseInTotoStatement } from '@app/signing';
import { sha256Hex } from './oci';
import { SignatureRejected } from './verified-signature';

/** The image and the trust a signature must be verified against. */
export interface ImageTrust {
  /** `toTrustMaterial(trustedRoot)` of the instance (CA chains, CT log, artifact logs). */
  trustMaterial: TrustMaterial;
  /** The signed manifest's digest, `sha256:<hex>`. */
  digest: string;
  /** The image's repository as a docker reference ({@link dockerReference}). */
  repository: string;
}

/** What a verified statement says. */
export interface ImageStatement {
  predicateType: string;
  /** The annotations of the subject naming the image (cosign `-a`), if any. */
  annotations?: Record<string, unknown>;
}

/**
 * Checks that a DSSE envelope carries an in-toto statement with a subject whose sha256 is the
 * image digest, and returns its predicate type. Throws {@link SignatureRejected}
 * `STATEMENT_ERROR` or `SUBJECT_DIGEST_MISMATCH`.
 */
export function checkImageStatement(envelope: Envelope, digest: string): ImageStatement {
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new SignatureRejected(
      'STATEMENT_ERROR',
      `the envelope's payload type is ${JSON.stringify(envelope.payloadType)}, not ${IN_TOTO_PAYLOAD_TYPE}`,
    );
  }
  let json: { subject?: { digest?: { sha256?: unknown }; annotations?: unknown }[] };
  try {
    json = JSON.parse(envelope.payload.toString('utf8')) as typeof json;
  } catch (err) {
    throw new SignatureRejected('STATEMENT_ERROR', 'the envelope payload is not JSON', {
      cause: err,
    });
  }
  const statement = parseInTotoStatement(envelope.payload);
  if (statement === undefined || typeof statement.predicateType !== 'string') {
    throw new SignatureRejected(
      'STATEMENT_ERROR',
      'the envelope payload is not an in-toto statement (no subject or predicateType)',
    );
  }
  const hex = sha256Hex(digest);
  const subject = (json.subject ?? []).find(
    (s) => typeof s?.digest?.sha256 === 'string' && s.digest.sha256.toLowerCase() === hex,
  );
  if (subject === undefined) {
    const found = statement.subjects.map((s) => `sha256:${s.digest.sha256 ?? '-'}`).join(', ');
    throw new SignatureRejected(
      'SUBJECT_DIGEST_MISMATCH',
      `the statement is about ${found || 'no subject'}, not the image ${digest}`,
    );
  }
  const { annotations } = subject;
  return {
    predicateType: statement.predicateType,
    ...(typeof annotations === 'object' && annotations !== null && !Array.isArray(annotations)
      ? { annotations: annotations as Record<string, unknown> }
      : {}),
  };
}
