/* `signet image verify REF`: every signature or attestation stored for the image's digest is
   checked against the instance's trusted root, then the identity flags (or `--policy`) decide. */
import { toTrustMaterial } from '@sigstore/verify';
import type { CliContext } from '../cli/context';
import { ExitCode, usageError } from '../cli/exit-codes';
import { commonOptions, instanceOptions, parseCommand, resolveInstance } from '../cli/options';
import { predicateTypeOf } from '../sign/statement';
import { loadTrustedRoot } from '../trust/trusted-root';
import { identityMismatch, identityOptions, identityPolicyFrom } from '../verify/identity-policy';
import type { ImageTrust } from './formats/image-trust';
import { decideImage, type FormatRequirement } from './formats/requirement';
import type { SignatureCheck } from './formats/verified-signature';
import { registryClient, registryHelp, registryOptions, resolveImage } from './image-registry';
import { checkStoredSignatures } from './image-signatures';
import { type ImageOutcome, reportOutcome } from './image-verdict';
import { policyOutcome, readImagePolicy } from './image-verify-policy';

export const imageVerifyHelp = `signet image verify: verify a container image's signatures or attestations in its registry

Usage:
  signet image verify REF (--certificate-identity ID | --certificate-identity-regexp RE)
                      (--certificate-oidc-issuer URL | --certificate-oidc-issuer-regexp RE)
                      [--type TYPE] [--require bundle|legacy|any]
                      [--signature-repo REGISTRY/REPO] [--allow-http HOST]... [--ca-file PEM]
                      [--docker-config FILE] [--trusted-root T] [--ca-url URL] [--json]
  signet image verify REF --policy POLICY.yaml [registry flags as above]

Resolves REF to its digest and reads what is stored for it: bundle referrers (the referrers API,
else the fallback tag sha256-<hex>; entries other tools wrote are read too) and the layers of
sha256-<hex>.sig and .att. Each is verified with @sigstore/verify against the instance's
trusted root (certificate chain and SCT, log entry, signature) and must name this digest (and,
for .sig, this repository). Then, without --type, a signature (cosign's sign/v1 statement or a
simple-signing payload) by the identity and issuer given is required; with --type TYPE (a URI
or slsaprovenance, spdxjson, cyclonedx, vuln, custom), an attestation of that predicate type.
--require bundle|legacy says which format the accepted one must be stored in (default any).
Regexps must match the whole value, as for \`signet verify\`.

--policy FILE decides instead of the flags (the engine a deploy-time gate uses): the first
rule whose glob matches registry/repository gives the identities allowed to sign, the format
required and the attestations required. See README "Sign container images".

${registryHelp}

Trusted root: as for \`signet verify --help\`.

Exit codes: 0 verified; 1 not verified (no accepted signature, a digest the registry altered);
2 error (image not found, registry refused the credentials); 4 registry or CA unreachable;
64 bad usage. --json prints the verdict with every signature accepted and rejected.

Examples:
  signet image verify registry.example.com/team/app:1.4.2 \\
    --certificate-identity-regexp 'https://github\\.com/team/app/\\.github/workflows/release\\.yml@refs/tags/v.*' \\
    --certificate-oidc-issuer https://token.actions.githubusercontent.com
  signet image verify registry.example.com/team/app@sha256:4c1e... --type slsaprovenance \\
    --certificate-identity alice@example.com --certificate-oidc-issuer https://idp.example.com
  signet image verify registry.example.com/team/app:1.4.2 --policy image-policy.yaml --json
`;

/** `signet image verify`; returns the exit code. */
export async function imageVerify(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals, help } = parseCommand(
    argv,
    {
      ...commonOptions,
      ...instanceOptions,
      ...identityOptions,
      ...registryOptions,
      'trusted-root': { type: 'string' },
      type: { type: 'string' },
      require: { type: 'string' },
      policy: { type: 'string' },
    },
    ['REF'],
  );
  if (help) {
    ctx.print(imageVerifyHelp.trimEnd());
    return 0;
  }
  const policy = values.policy === undefined ? undefined : await readImagePolicy(values);
  const identity = policy === undefined ? identityPolicyFrom(values) : undefined;
  const require = parseRequirement(values.require);
  const predicateType = values.type === undefined ? undefined : predicateTypeOf(values.type);
  const { caUrl, tufRoot } = resolveInstance(values, ctx.env);
  const client = registryClient(values, ctx);
  try {
    const image = await resolveImage(client, positionals[0]!, values);
    const { digest } = image.manifest.descriptor;
    const trusted = await loadTrustedRoot(ctx, caUrl, values['trusted-root'], tufRoot);
    ctx.status(
      `verifying ${image.repository}@${digest}${image.ref.tag ? ` (tag ${image.ref.tag})` : ''}`,
    );
    const trust: ImageTrust = {
      trustMaterial: toTrustMaterial(trusted.root),
      digest,
      repository: image.repository,
    };
    const checks: SignatureCheck[] = await checkStoredSignatures(client, image.signatures, trust, {
      attestations:
        predicateType !== undefined ||
        (policy?.images.some((r) => r.attestations.length > 0) ?? false),
    });
    const outcome: ImageOutcome =
      policy !== undefined
        ? policyOutcome(policy, image, checks)
        : {
            image,
            ...decideImage(checks, {
              require,
              ...(predicateType !== undefined && { predicateType }),
              identity: (signer) => identityMismatch(signer, identity!),
            }),
          };
    reportOutcome(outcome, trusted.source, values.json === true, ctx);
    return outcome.verified ? ExitCode.ok : ExitCode.verificationFailed;
  } finally {
    client.close();
  }
}

function parseRequirement(text: string | undefined): FormatRequirement {
  const value = text ?? 'any';
  if (value === 'any' || value === 'bundle' || value === 'legacy') return value;
  throw usageError(`--require must be bundle, legacy or any, got ${JSON.stringify(text)}`);
}
