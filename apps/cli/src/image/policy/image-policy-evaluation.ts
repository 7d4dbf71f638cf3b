/* Evaluating an image policy over the signatures verified for one image: the first rule whose
   pattern matches decides; an image no rule matches is denied. */
import type { Signer } from '@sigstore/verify';
import type { VerifiedSignature } from '../formats/verified-signature';
import type { AllowedIdentity, ImagePolicy, ImageRule } from './image-policy';
import { normalizeImageName } from './image-glob';

/** The requirement of a rule that failed. */
export interface FailedRequirement {
  /** `signature`, or the attestation's predicate type. */
  requirement: string;
  /** Where in the policy (`images[0].identities`, `images[0].attestations[1]`). */
  at: string;
  reason: string;
}

/** What the policy says about one image. */
export interface PolicyDecision {
  allowed: boolean;
  /** The rule that applied (`images[2]` and its glob), none when no pattern matched. */
  rule?: { at: string; glob: string };
  /** The signatures that met each requirement. */
  satisfiedBy: { requirement: string; signature: VerifiedSignature }[];
  failures: FailedRequirement[];
}

/**
 * Decides `image` (`registry/repository`) under `policy` given the signatures that verified for
 * it (already bound to its digest): the rule of the first matching pattern requires a signature
 * by one of its identities in its required format, and each of its attestations by one of that
 * attestation's identities. Every requirement is evaluated, so `failures` lists all that failed.
 */
export function evaluateImagePolicy(
  policy: ImagePolicy,
  image: string,
  signatures: readonly VerifiedSignature[],
): PolicyDecision {
  const name = normalizeImageName(image);
  const rule = policy.images.find((r) => r.pattern.test(name));
  if (rule === undefined) {
    return {
      allowed: false,
      satisfiedBy: [],
      failures: [
        {
          requirement: 'image',
          at: 'images',
          reason: `no image pattern matches ${name}: denied by default`,
        },
      ],
    };
  }
  const inFormat = signatures.filter((s) => rule.require === 'any' || s.format === rule.require);
  const satisfiedBy: PolicyDecision['satisfiedBy'] = [];
  const failures: FailedRequirement[] = [];
  const requirements = [
    {
      requirement: 'signature',
      at: `${rule.at}.identities`,
      identities: rule.identities,
      kind: (s: VerifiedSignature) => s.kind === 'signature',
    },
    ...rule.attestations.map((a, i) => ({
      requirement: a.predicateType,
      at: `${rule.at}.attestations[${i}]`,
      identities: a.identities,
      kind: (s: VerifiedSignature) =>
        s.kind === 'attestation' && s.predicateType === a.predicateType,
    })),
  ];
  for (const { requirement, at, identities, kind } of requirements) {
    const candidates = inFormat.filter(kind);
    const match = candidates.find((s) => allowedBy(identities, s.signer) !== undefined);
    if (match !== undefined) satisfiedBy.push({ requirement, signature: match });
    else
      failures.push({
        requirement,
        at,
        reason: reasonFor(rule, requirement, candidates, signatures.filter(kind)),
      });
  }
  return {
    allowed: failures.length === 0,
    rule: { at: rule.at, glob: rule.glob },
    satisfiedBy,
    failures,
  };
}

/** The first identity of `identities` that `signer` matches. */
export function allowedBy(
  identities: readonly AllowedIdentity[],
  signer: Signer,
): AllowedIdentity | undefined {
  const subject = signer.identity?.subjectAlternativeName;
  const issuer = signer.identity?.extensions?.issuer;
  if (subject === undefined || issuer === undefined) return undefined;
  return identities.find((i) => i.issuer.matches(issuer) && i.subject.matches(subject));
}

function reasonFor(
  rule: ImageRule,
  requirement: string,
  inFormat: VerifiedSignature[],
  all: VerifiedSignature[],
): string {
  const what = requirement === 'signature' ? 'signature' : `${requirement} attestation`;
  if (inFormat.length > 0) {
    const signers = inFormat.map(
      (s) =>
        `${s.signer.identity?.subjectAlternativeName ?? '?'} (issuer ${s.signer.identity?.extensions?.issuer ?? '?'})`,
    );
    return `no ${what} by an allowed identity; signed by ${[...new Set(signers)].join(', ')}`;
  }
  if (all.length > 0)
    return `the ${what} is stored only in the ${all[0]!.format} format; ${rule.at}.require is ${rule.require}`;
  return `no verified ${what}`;
}
