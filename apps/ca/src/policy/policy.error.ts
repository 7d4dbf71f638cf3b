import { BaseError } from '@app/signing';

/**
 * Codes of {@link PolicyError}. DENIED: no rule allows the identity. KEY_ALGORITHM_NOT_ALLOWED:
 * rules allow the identity, but none with the requested key's algorithm.
 */
export type PolicyErrorCode = 'DENIED' | 'KEY_ALGORITHM_NOT_ALLOWED';

/** A certificate request the IAM rules refuse; the message is safe to show the client. */
export class PolicyError extends BaseError<PolicyErrorCode> {}
