import { BaseError } from '@app/signing';

/**
 * Why a submission to the CT log was refused. Every code is a 400 (RFC 6962 §4 has no finer
 * statuses, and CT submitters such as Trillian's CTFE clients treat any 4xx as "do not retry"):
 * - `MALFORMED_CHAIN`: the body, a base64 string or a DER certificate is malformed, or too large.
 * - `INVALID_CHAIN`: a certificate of the chain was not signed by the next one.
 * - `UNTRUSTED_CHAIN`: the chain does not end in this instance's CA certificates.
 * - `MISSING_POISON`: add-pre-chain got a certificate without the critical CT poison.
 * - `UNEXPECTED_POISON`: add-chain got a precertificate.
 */
export type CtErrorCode =
  'MALFORMED_CHAIN' | 'INVALID_CHAIN' | 'UNTRUSTED_CHAIN' | 'MISSING_POISON' | 'UNEXPECTED_POISON';

/** A refused CT submission, with a message that names the failed check and is safe to return. */
export class CtError extends BaseError<CtErrorCode> {}
