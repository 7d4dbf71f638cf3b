import { matcherFor } from '@app/signing';
import type { ClaimCondition, RuleSpec } from './rules.config';

/** A rule as stored: its stable id (referenced by issuance records) and its configured order. */
export interface StoredRule extends RuleSpec {
  readonly id: string;
  readonly position: number;
}

/** What a certificate request is judged on. */
export interface PolicyRequest {
  /** The verified token's `iss`. */
  readonly issuer: string;
  /** The certificate identity: the SAN value that would be issued. */
  readonly subject: string;
  /** The token's raw claims. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The requested key's algorithm, named as in {@link KEY_ALGORITHMS}. */
  readonly keyAlgorithm: string;
}

/** Certificate lifetimes of the instance, in seconds. */
export interface PolicyLimits {
  /** For rules without `certificateLifetime`; 600 (10 minutes) unless configured. */
  readonly defaultLifetimeSeconds: number;
  /** No rule may exceed it; a stored rule above it (the maximum was lowered) is cut to it. */
  readonly maxLifetimeSeconds: number;
}

export type PolicyDecision =
  | { readonly allowed: true; readonly rule: StoredRule; readonly lifetimeSeconds: number }
  | {
      readonly allowed: false;
      readonly reason: 'NO_RULE' | 'KEY_ALGORITHM';
      /** Safe to show the client: names the identity or the algorithm, never the rules. */
      readonly message: string;
    };

/** Why one rule did or did not allow a request, for an administrator's dry run. */
export type RuleOutcome =
  | { readonly outcome: 'allowed' }
  | { readonly outcome: 'issuer'; readonly pattern: string }
  | { readonly outcome: 'subject'; readonly pattern: string }
  | {
      readonly outcome: 'claim';
      readonly claim: string;
      /** `missing`: the token has no such claim; `mismatch`: it has one that does not match. */
      readonly problem: 'missing' | 'mismatch';
      readonly condition: ClaimCondition;
    }
  | { readonly outcome: 'key-algorithm'; readonly allowed: readonly string[] }
  /** A rule after the one that decided: never looked at. */
  | { readonly outcome: 'not-reached' };

/** A decision with each rule's outcome, in position order: what the dry run shows. */
export interface PolicyTrace {
  readonly decision: PolicyDecision;
  readonly rules: ReadonlyArray<{ readonly rule: StoredRule } & RuleOutcome>;
}

/**
 * Decides a request against `rules`, taken in `position` order: the first rule whose issuer,
 * subject and claims all match and whose key algorithms include the request's wins. Default deny:
 * NO_RULE when no rule matches the identity, KEY_ALGORITHM when some do but none allows the key.
 * Requires every pattern of `rules` to be valid (as {@link parseRules} ensures).
 */
export function evaluate(
  rules: readonly StoredRule[],
  request: PolicyRequest,
  limits: PolicyLimits,
): PolicyDecision {
  return explain(rules, request, limits).decision;
}

/**
 * {@link evaluate} with the reason of every rule (which matcher failed, which claim was missing
 * or did not match): the one engine the CA issues with, so a dry run cannot disagree with it.
 */
export function explain(
  rules: readonly StoredRule[],
  request: PolicyRequest,
  limits: PolicyLimits,
): PolicyTrace {
  const allowedForIdentity = new Set<string>();
  let identityMatched = false;
  let decision: PolicyDecision | undefined;
  const traced: Array<{ rule: StoredRule } & RuleOutcome> = [];
  for (const rule of [...rules].sort((a, b) => a.position - b.position)) {
    if (decision !== undefined) {
      traced.push({ rule, outcome: 'not-reached' });
      continue;
    }
    const mismatch = identityMismatch(rule, request);
    if (mismatch !== undefined) {
      traced.push({ rule, ...mismatch });
      continue;
    }
    identityMatched = true;
    if (
      rule.allowedKeyAlgorithms !== null &&
      !rule.allowedKeyAlgorithms.some((a) => a === request.keyAlgorithm)
    ) {
      rule.allowedKeyAlgorithms.forEach((a) => allowedForIdentity.add(a));
      traced.push({ rule, outcome: 'key-algorithm', allowed: rule.allowedKeyAlgorithms });
      continue;
    }
    const lifetime = rule.certificateLifetimeSeconds ?? limits.defaultLifetimeSeconds;
    decision = {
      allowed: true,
      rule,
      lifetimeSeconds: Math.min(lifetime, limits.maxLifetimeSeconds),
    };
    traced.push({ rule, outcome: 'allowed' });
  }
  if (decision !== undefined) return { decision, rules: traced };
  const who = `identity ${JSON.stringify(request.subject)} from issuer ${JSON.stringify(request.issuer)}`;
  return {
    decision: identityMatched
      ? {
          allowed: false,
          reason: 'KEY_ALGORITHM',
          message: `key algorithm ${JSON.stringify(request.keyAlgorithm)} is not allowed for ${who}; allowed: ${[...allowedForIdentity].join(', ')}`,
        }
      : { allowed: false, reason: 'NO_RULE', message: `no rule allows ${who}` },
    rules: traced,
  };
}

/** The first part of `rule`'s identity conditions that `request` fails, or undefined. */
function identityMismatch(rule: StoredRule, request: PolicyRequest): RuleOutcome | undefined {
  if (!matcherFor(rule.issuer, 'label').matches(request.issuer)) {
    return { outcome: 'issuer', pattern: rule.issuer };
  }
  if (!matcherFor(rule.subject, 'any').matches(request.subject)) {
    return { outcome: 'subject', pattern: rule.subject };
  }
  for (const [name, condition] of Object.entries(rule.claims)) {
    if (!Object.hasOwn(request.claims, name)) {
      return { outcome: 'claim', claim: name, problem: 'missing', condition };
    }
    if (!claimMatches(condition, request.claims, name)) {
      return { outcome: 'claim', claim: name, problem: 'mismatch', condition };
    }
  }
  return undefined;
}

/**
 * Whether the token's own claim `name` meets `condition`: a string pattern matches string claims
 * only, a boolean or number equals a claim of the same JSON type. Absent and inherited claims
 * match nothing, nor do numbers and booleans a pattern: GitHub and GitLab send ids as strings,
 * and a rule `"42"` that matched the number 42 would be the coercion a typed rule value avoids.
 */
function claimMatches(
  condition: ClaimCondition,
  claims: Readonly<Record<string, unknown>>,
  name: string,
): boolean {
  if (!Object.hasOwn(claims, name)) return false;
  const value = claims[name];
  if (typeof condition === 'string') {
    return typeof value === 'string' && matcherFor(condition, 'any').matches(value);
  }
  return value === condition;
}
