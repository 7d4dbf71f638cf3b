import { BaseError } from '@app/signing';

/**
 * Codes of {@link PolicyError}.
 * - DENIED: no rule allows the identity. KEY_ALGORITHM_NOT_ALLOWED: rules allow the identity, but
 *   none with the requested key's algorithm.
 * - INVALID_POLICY: a proposed change (rules, issuers) that does not validate; the message names
 *   every field. NOT_FOUND: no such rule, issuer or version.
 * - PRECONDITION_REQUIRED: a change without `If-Match`; VERSION_MISMATCH: `If-Match` names a version
 *   that is no longer the head; READ_ONLY: the policy is owned by SIGNET_CONFIG (`policy.source:
 *   file`); CONFLICT: the change collides with the head (a rule name already in use).
 * - LOG_UNAVAILABLE: the transparency log did not take the version, so nothing changed.
 */
export type PolicyErrorCode =
  | 'DENIED'
  | 'KEY_ALGORITHM_NOT_ALLOWED'
  | 'INVALID_POLICY'
  | 'NOT_FOUND'
  | 'PRECONDITION_REQUIRED'
  | 'VERSION_MISMATCH'
  | 'READ_ONLY'
  | 'CONFLICT'
  | 'LOG_UNAVAILABLE';

/** A request the IAM rules refuse, or a policy change refused; the message is safe to show. */
export class PolicyError extends BaseError<PolicyErrorCode> {}
