import type { ClaimCondition, RuleOutcome } from '../../policy';

/** One rule's line of the dry run: which matcher failed, with the pattern and the value compared. */
export type EvaluateTraceRow = { readonly rule: string; readonly position: number } & (
  | { readonly outcome: 'allowed'; readonly message: string }
  | {
      readonly outcome: 'issuer' | 'subject';
      readonly pattern: string;
      readonly value: string;
      readonly message: string;
    }
  | {
      readonly outcome: 'claim';
      readonly claim: string;
      readonly problem: 'missing' | 'mismatch';
      readonly condition: ClaimCondition;
      /** The token's value of the claim (absent when missing). */
      readonly value?: unknown;
      readonly message: string;
    }
  | {
      readonly outcome: 'key-algorithm';
      readonly allowed: readonly string[];
      readonly value: string;
      readonly message: string;
    }
  | { readonly outcome: 'not-reached'; readonly message: string }
);

/** What the dry run answers (`POST /api/admin/v1/evaluate`, and the console's dry-run page). */
export type EvaluateAnswer = {
  readonly decision: 'allowed' | 'denied';
  /** For a denial: NO_RULE, KEY_ALGORITHM or TOKEN_INVALID. */
  readonly reason?: string;
  readonly message?: string;
  readonly rule?: { readonly id: string; readonly name: string; readonly position: number } | null;
  readonly certificate?: {
    readonly identity: string;
    readonly issuer: string;
    readonly lifetimeSeconds: number;
    readonly keyAlgorithm: string;
  };
  /** What was judged (absent when the token could not be read). */
  readonly request?: {
    readonly issuer: string;
    readonly subject: string;
    readonly keyAlgorithm: string;
  };
  readonly policyVersion: number;
  readonly policyDigest?: string;
  readonly missingClaims: readonly string[];
  readonly trace: readonly EvaluateTraceRow[];
};

export /**
 * A rule's outcome in the dry run's words: which matcher failed, which claim was missing, and the
 * request's value it compared.
 */
function describeOutcome(
  outcome: RuleOutcome,
  request: {
    issuer: string;
    subject: string;
    claims: Record<string, unknown>;
    keyAlgorithm: string;
  },
): DistributiveOmit<EvaluateTraceRow, 'rule' | 'position'> {
  switch (outcome.outcome) {
    case 'allowed':
      return { outcome: 'allowed', message: 'allows the request' };
    case 'issuer':
      return {
        outcome: 'issuer',
        pattern: outcome.pattern,
        value: request.issuer,
        message: `issuer does not match ${JSON.stringify(outcome.pattern)}`,
      };
    case 'subject':
      return {
        outcome: 'subject',
        pattern: outcome.pattern,
        value: request.subject,
        message: `identity does not match ${JSON.stringify(outcome.pattern)}`,
      };
    case 'claim':
      return {
        outcome: 'claim',
        claim: outcome.claim,
        problem: outcome.problem,
        condition: outcome.condition,
        ...(outcome.problem === 'mismatch' ? { value: request.claims[outcome.claim] } : {}),
        message:
          outcome.problem === 'missing'
            ? `the token has no claim ${JSON.stringify(outcome.claim)}`
            : `claim ${JSON.stringify(outcome.claim)} does not match ${JSON.stringify(outcome.condition)}`,
      };
    case 'key-algorithm':
      return {
        outcome: 'key-algorithm',
        allowed: outcome.allowed,
        value: request.keyAlgorithm,
        message: `key algorithm not in ${outcome.allowed.join(', ')}`,
      };
    case 'not-reached':
      return { outcome: 'not-reached', message: 'not evaluated: an earlier rule decided' };
  }
}

/** `Omit` applied to each member of a union (the plain one would merge them). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
