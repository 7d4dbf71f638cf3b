/* Which policy version allowed a certificate, and was it in force? One certificate of the CT log
   checked against the chain of policy versions and their log times. */
import {
  certificateSignedBy,
  decodePolicyExtension,
  parseCertificate,
  type ParsedCertificate,
  POLICY_EXTENSION_OID,
  type PolicyReference,
  matcherFor,
  type Wildcard,
} from '@app/signing';
import { certificateIdentity } from '../cli/certificate';

/** Seconds a certificate's notBefore may lead or trail a log's clock (CA, log and poll delay). */
export const CLOCK_SKEW_SECONDS = 5;

/** A version of the chain as the certificate check needs it. */
export interface VersionInForce {
  readonly version: number;
  /** The snapshot's digest, hex. */
  readonly digest: string;
  /** The snapshot's rules; undefined when the snapshot could not be read. */
  readonly rules: readonly unknown[] | undefined;
  /** When the log integrated the version's statement (Unix seconds, SET-verified), if known. */
  readonly loggedAt?: number;
}

/** The outcome for one certificate. */
export type CertificateOutcome =
  /** Not issued by a CA of the trusted root: not this instance's to answer for. */
  | { readonly issuedByInstance: false }
  | {
      readonly issuedByInstance: true;
      /** Hex, as the CA records it. */
      readonly serial: string;
      readonly notBefore: Date;
      readonly policy?: PolicyReference;
      readonly problems: readonly string[];
    };

/**
 * Checks `der` (a certificate or precertificate of the CT log) issued by one of `cas`: it names a
 * policy version (extension {@link POLICY_EXTENSION_OID}) of `chain` with that version's digest;
 * the version was logged no later than notBefore + {@link CLOCK_SKEW_SECONDS} and the next one
 * no earlier than notBefore − the skew; the rule it names (by id and name) is in that version, and
 * the rule's issuer and subject patterns match the certificate's OIDC issuer (Fulcio extension
 * 1.3.6.1.4.1.57264.1.8) and SAN. Claim conditions are not re-evaluated: a certificate does not
 * carry the token's claims. Throws the parser's error for a certificate it cannot read.
 */
export function checkCertificate(
  der: Uint8Array,
  cas: readonly ParsedCertificate[],
  chain: ReadonlyMap<number, VersionInForce>,
): CertificateOutcome {
  const certificate = parseCertificate(der);
  if (!cas.some((ca) => certificateSignedBy(certificate, ca))) return { issuedByInstance: false };
  const base = {
    issuedByInstance: true as const,
    serial: certificate.serialNumber.toString(16),
    notBefore: certificate.notBefore,
  };
  const extension = certificate.extensions.find((e) => e.oid === POLICY_EXTENSION_OID);
  if (extension === undefined) {
    return { ...base, problems: ['issued under no policy version (no policy extension)'] };
  }
  let policy: PolicyReference;
  try {
    policy = decodePolicyExtension(extension.value);
  } catch (err) {
    return { ...base, problems: [(err as Error).message] };
  }
  const version = chain.get(policy.version);
  if (version === undefined) {
    return {
      ...base,
      policy,
      problems: [`issued under policy version ${policy.version}, which is not in the chain`],
    };
  }
  if (version.digest !== policy.digest) {
    return {
      ...base,
      policy,
      problems: [
        `issued under policy version ${policy.version} with digest ${policy.digest}, but that version's digest is ${version.digest}`,
      ],
    };
  }
  const problems = [
    ...inForceProblems(policy.version, certificate.notBefore, version, chain),
    ...ruleProblems(policy, version, certificateIdentity(der)),
  ];
  return { ...base, policy, problems };
}

function inForceProblems(
  v: number,
  notBefore: Date,
  version: VersionInForce,
  chain: ReadonlyMap<number, VersionInForce>,
): string[] {
  const issued = Math.floor(notBefore.getTime() / 1000);
  const at = (seconds: number) => new Date(seconds * 1000).toISOString();
  const problems: string[] = [];
  if (version.loggedAt !== undefined && version.loggedAt > issued + CLOCK_SKEW_SECONDS) {
    problems.push(
      `issued at ${at(issued)} under policy version ${v}, which was not in force: the log integrated it only at ${at(version.loggedAt)}`,
    );
  }
  const next = chain.get(v + 1)?.loggedAt;
  if (next !== undefined && next < issued - CLOCK_SKEW_SECONDS) {
    problems.push(
      `issued at ${at(issued)} under policy version ${v}, which was not in force: version ${v + 1} replaced it at ${at(next)}`,
    );
  }
  return problems;
}

function ruleProblems(
  policy: PolicyReference,
  version: VersionInForce,
  identity: { subjectAlternativeName?: string; issuer?: string },
): string[] {
  if (version.rules === undefined) return [];
  const rule = version.rules.find((r) => (r as { id?: unknown } | null)?.id === policy.ruleId) as
    { name?: unknown; issuer?: unknown; subject?: unknown } | undefined;
  const named = `rule ${JSON.stringify(policy.rule)} (id ${policy.ruleId})`;
  if (rule === undefined) {
    return [`allowed by ${named}, which policy version ${policy.version} does not have`];
  }
  if (rule.name !== policy.rule) {
    return [
      `allowed by ${named}, but that rule of policy version ${policy.version} is named ${JSON.stringify(rule.name)}`,
    ];
  }
  return [
    patternProblem(named, policy.version, 'issuer', rule.issuer, identity.issuer, 'label'),
    patternProblem(
      named,
      policy.version,
      'subject',
      rule.subject,
      identity.subjectAlternativeName,
      'any',
    ),
  ].filter((p) => p !== undefined);
}

function patternProblem(
  named: string,
  version: number,
  field: 'issuer' | 'subject',
  pattern: unknown,
  value: string | undefined,
  wildcard: 'any' | 'label',
): string | undefined {
  const what = field === 'issuer' ? 'OIDC issuer' : 'identity (SAN)';
  if (value === undefined) return `the certificate has no ${what}`;
  if (typeof pattern !== 'string') return `${named} of policy version ${version} has no ${field}`;
  const matched = patternMatches(pattern, value, wildcard);
  if (matched === true) return undefined;
  return matched === undefined
    ? `${named} of policy version ${version} has a ${field} pattern that cannot be read: ${JSON.stringify(pattern)}`
    : `${named} of policy version ${version} does not allow the ${what} ${JSON.stringify(value)} (${field}: ${JSON.stringify(pattern)})`;
}

/**
 * Whether `value` matches `pattern` as the CA's rules read it (the CA's own matcher, from
 * libs/signing); undefined for a pattern that does not compile, which the CA would have refused.
 */
function patternMatches(pattern: string, value: string, wildcard: Wildcard): boolean | undefined {
  try {
    return matcherFor(pattern, wildcard).matches(value);
  } catch {
    return undefined;
  }
}
