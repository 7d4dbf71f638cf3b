/* How `signet image verify` reports: status lines on stderr (each signature accepted or
   rejected, then the verdict) and, with --json, one object on stdout. */
import type { CliContext } from '../cli/context';
import type { RejectedSignature, VerifiedSignature } from './formats/verified-signature';
import type { FailedRequirement } from './policy/image-policy-evaluation';
import { type ResolvedImage, repositoryName } from './image-registry';

/** The verdict for one image, from the identity flags or a policy. */
export interface ImageOutcome {
  image: ResolvedImage;
  verified: boolean;
  accepted: VerifiedSignature[];
  rejected: RejectedSignature[];
  reason?: string;
  policy?: {
    rule?: { at: string; glob: string };
    satisfiedBy: { requirement: string; source: string }[];
    failures: FailedRequirement[];
  };
}

/** Prints the outcome (see the file's comment). */
export function reportOutcome(
  outcome: ImageOutcome,
  trustedRoot: string,
  json: boolean,
  ctx: CliContext,
): void {
  for (const s of outcome.accepted) {
    ctx.status(`accepted ${describe(s)} by ${signerOf(s)}, ${s.source}`);
  }
  for (const r of outcome.rejected) {
    ctx.status(`rejected ${r.format} ${r.source}: ${r.message} (${r.code})`);
  }
  if (outcome.policy?.rule !== undefined) {
    ctx.status(`policy rule ${outcome.policy.rule.at} (${outcome.policy.rule.glob})`);
  }
  ctx.status(outcome.verified ? 'Verified OK' : `Verification failed: ${outcome.reason ?? '?'}`);
  if (!json) return;
  const { image } = outcome;
  ctx.print(
    JSON.stringify({
      verified: outcome.verified,
      image: repositoryName(image.ref),
      ...(image.ref.tag !== undefined && { tag: image.ref.tag }),
      digest: image.manifest.descriptor.digest,
      mediaType: image.manifest.descriptor.mediaType,
      signatureRepository: repositoryName(image.signatures),
      accepted: outcome.accepted.map((s) => ({
        format: s.format,
        kind: s.kind,
        ...(s.predicateType !== undefined && { predicateType: s.predicateType }),
        source: s.source,
        identity: {
          subjectAlternativeName: s.signer.identity?.subjectAlternativeName,
          issuer: s.signer.identity?.extensions?.issuer,
        },
        ...(s.annotations !== undefined && { annotations: s.annotations }),
      })),
      rejected: outcome.rejected,
      ...(outcome.reason !== undefined && { reason: outcome.reason }),
      ...(outcome.policy !== undefined && { policy: outcome.policy }),
      trustedRoot,
    }),
  );
}

function describe(s: VerifiedSignature): string {
  const what = s.kind === 'signature' ? 'signature' : `attestation ${s.predicateType ?? '?'}`;
  return `${what} (${s.format})`;
}

function signerOf(s: VerifiedSignature): string {
  const identity = s.signer.identity;
  return `${identity?.subjectAlternativeName ?? '?'} (issuer ${identity?.extensions?.issuer ?? '?'})`;
}
