/* Who must have signed: the --certificate-* flags of `signet verify`, checked against the signer
   that @sigstore/verify returns. Its own policy matches the SAN as an unanchored RegExp, so
   signet checks identities itself, anchored, and names the flag that failed. */
import type { Signer } from '@sigstore/verify';
import { usageError, verificationFailed } from '../cli/exit-codes';

/** One certificate field and what it must be. */
export interface FieldRule {
  /** The flag that set the rule (for messages). */
  flag: string;
  /** What the rule requires, for messages: a JSON string, or the anchored pattern /^(?:…)$/. */
  expected: string;
  matches(value: string): boolean;
}

/** The identity a bundle's certificate must carry. */
export interface IdentityPolicy {
  subject: FieldRule;
  issuer: FieldRule;
  /** Sigstore certificate OIDs (1.3.6.1.4.1.57264.1.*) that must hold exact values. */
  oids: (FieldRule & { oid: string })[];
}

/** `--certificate-github-workflow-*` flags (cosign's names) and their legacy Fulcio OIDs. */
export const GITHUB_WORKFLOW_OIDS = {
  'certificate-github-workflow-trigger': '1.3.6.1.4.1.57264.1.2',
  'certificate-github-workflow-sha': '1.3.6.1.4.1.57264.1.3',
  'certificate-github-workflow-name': '1.3.6.1.4.1.57264.1.4',
  'certificate-github-workflow-repository': '1.3.6.1.4.1.57264.1.5',
  'certificate-github-workflow-ref': '1.3.6.1.4.1.57264.1.6',
} as const;

/** The options that make an {@link IdentityPolicy}. */
export const identityOptions = {
  'certificate-identity': { type: 'string' },
  'certificate-identity-regexp': { type: 'string' },
  'certificate-oidc-issuer': { type: 'string' },
  'certificate-oidc-issuer-regexp': { type: 'string' },
  'certificate-github-workflow-trigger': { type: 'string' },
  'certificate-github-workflow-sha': { type: 'string' },
  'certificate-github-workflow-name': { type: 'string' },
  'certificate-github-workflow-repository': { type: 'string' },
  'certificate-github-workflow-ref': { type: 'string' },
} as const;

type IdentityValues = Partial<Record<keyof typeof identityOptions, string>>;

/**
 * Compiles `pattern` so that it must match the whole value: `^(?:pattern)$`. Throws a usage
 * error naming `flag` for an invalid pattern.
 */
export function anchoredRegExp(pattern: string, flag: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (err) {
    throw usageError(`--${flag}: invalid regular expression: ${(err as Error).message}`);
  }
}

function exact(flag: string, value: string): FieldRule {
  return { flag, expected: JSON.stringify(value), matches: (v) => v === value };
}

function pattern(flag: string, value: string): FieldRule {
  const re = anchoredRegExp(value, flag);
  return { flag, expected: `/^(?:${value})$/`, matches: (v) => re.test(v) };
}

function oneOf(values: IdentityValues, name: 'identity' | 'oidc-issuer'): FieldRule {
  const flag = `certificate-${name}` as const;
  const value = values[flag];
  const regexp = values[`${flag}-regexp`];
  if (value !== undefined && regexp !== undefined) {
    throw usageError(`give --${flag} or --${flag}-regexp, not both`);
  }
  if (value !== undefined) return exact(flag, value);
  if (regexp !== undefined) return pattern(`${flag}-regexp`, regexp);
  throw usageError(`--${flag} or --${flag}-regexp is required (or --key for a managed key)`);
}

/** Builds the policy from the flags; usage errors for a missing, doubled or invalid one. */
export function identityPolicyFrom(values: IdentityValues): IdentityPolicy {
  return {
    subject: oneOf(values, 'identity'),
    issuer: oneOf(values, 'oidc-issuer'),
    oids: Object.entries(GITHUB_WORKFLOW_OIDS).flatMap(([flag, oid]) => {
      const value = values[flag as keyof typeof GITHUB_WORKFLOW_OIDS];
      return value === undefined ? [] : [{ ...exact(flag, value), oid }];
    }),
  };
}

/** The value of extension `oid` in a verified signer's certificate, as text. */
function oidValue(signer: Signer, oid: string): string | undefined {
  const found = signer.identity?.oids?.find((o) => o.oid?.id.join('.') === oid);
  return found === undefined ? undefined : Buffer.from(found.value).toString('utf8');
}

/**
 * Why the verified `signer` does not satisfy `policy` — the flag, what it required and what the
 * certificate holds — or undefined when it does.
 */
export function identityMismatch(signer: Signer, policy: IdentityPolicy): string | undefined {
  const fields: [FieldRule, string | undefined][] = [
    [policy.subject, signer.identity?.subjectAlternativeName],
    [policy.issuer, signer.identity?.extensions?.issuer],
    ...policy.oids.map((rule): [FieldRule, string | undefined] => [
      rule,
      oidValue(signer, rule.oid),
    ]),
  ];
  for (const [rule, actual] of fields) {
    if (actual === undefined || !rule.matches(actual)) {
      const found = actual === undefined ? 'none' : JSON.stringify(actual);
      return `--${rule.flag}: the certificate does not match ${rule.expected} (it has ${found})`;
    }
  }
  return undefined;
}

/**
 * Checks the verified `signer` against `policy`. Throws a failed verification (exit 1, code
 * `IDENTITY_MISMATCH`) naming the flag, what it required and what the certificate holds.
 */
export function checkIdentity(signer: Signer, policy: IdentityPolicy): void {
  const mismatch = identityMismatch(signer, policy);
  if (mismatch !== undefined) throw verificationFailed(mismatch, 'IDENTITY_MISMATCH');
}
