/* `signet image verify --policy FILE`: the image policy engine decides over the signatures that
   verified, instead of the identity flags. */
import { CliError, ExitCode, usageError } from '../cli/exit-codes';
import { readInput } from '../cli/files';
import { identityOptions } from '../verify/identity-policy';
import type { SignatureCheck, VerifiedSignature } from './formats/verified-signature';
import { type ImagePolicy, ImagePolicyError, parseImagePolicy } from './policy/image-policy';
import { evaluateImagePolicy } from './policy/image-policy-evaluation';
import type { ImageOutcome } from './image-verdict';
import { type ResolvedImage, repositoryName } from './image-registry';

/**
 * Reads `--policy FILE`, refusing the flags it replaces (identity, --type, --require) as bad
 * usage; exit 2 for a file that is not a valid policy, naming each field at fault.
 */
export async function readImagePolicy(
  values: Partial<Record<keyof typeof identityOptions | 'type' | 'require', string>> & {
    policy?: string;
  },
): Promise<ImagePolicy> {
  const path = values.policy!;
  const clash = [...Object.keys(identityOptions), 'type', 'require'].find(
    (f) => values[f as keyof typeof values] !== undefined,
  );
  if (clash !== undefined) {
    throw usageError(
      `give --policy or --${clash}, not both: the policy names the identities, attestations and format required`,
    );
  }
  const text = (await readInput(path, 'policy')).toString('utf8');
  try {
    return parseImagePolicy(text, path);
  } catch (err) {
    if (err instanceof ImagePolicyError) {
      throw new CliError(ExitCode.error, err.message, { cause: err, code: 'POLICY_INVALID' });
    }
    throw err;
  }
}

/** The policy's decision for `image`, given every signature checked for it. */
export function policyOutcome(
  policy: ImagePolicy,
  image: ResolvedImage,
  checks: SignatureCheck[],
): ImageOutcome {
  const verified: VerifiedSignature[] = [];
  const rejected = [];
  for (const check of checks) {
    if (check.verified) {
      const { verified: _, ...signature } = check;
      verified.push(signature);
    } else rejected.push(check);
  }
  const decision = evaluateImagePolicy(policy, repositoryName(image.ref), verified);
  const accepted = [...new Set(decision.satisfiedBy.map((s) => s.signature))];
  return {
    image,
    verified: decision.allowed,
    accepted,
    rejected,
    ...(!decision.allowed && {
      reason: decision.failures.map((f) => `${f.at}: ${f.reason}`).join('; '),
    }),
    policy: {
      ...(decision.rule !== undefined && { rule: decision.rule }),
      satisfiedBy: decision.satisfiedBy.map((s) => ({
        requirement: s.requirement,
        source: s.signature.source,
      })),
      failures: decision.failures,
    },
  };
}
