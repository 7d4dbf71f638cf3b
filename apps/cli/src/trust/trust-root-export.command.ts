/* `signet trust-root export --format policy-controller|kyverno|containers-policy`: what an
   existing admission gate needs to trust this instance's image signatures. */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CliContext } from '../cli/context';
import { CliError, ExitCode, usageError } from '../cli/exit-codes';
import { writeOutput } from '../cli/files';
import { commonOptions, instanceOptions, parseCommand, resolveInstance } from '../cli/options';
import { containersPolicyExport } from './export-containers-policy';
import { kyvernoExport } from './export-kyverno';
import { exportableTrust } from './export-material';
import { policyControllerExport } from './export-policy-controller';
import {
  type ExportFormat,
  type ExportOutput,
  exportOptions,
  exportRequestFrom,
} from './export-request';
import { loadTrustedRoot } from './trusted-root';

export const trustRootExportHelp = `signet trust-root export: trust this instance in an admission gate

Usage:
  signet trust-root export --format policy-controller|kyverno|containers-policy
                (--certificate-identity ID | --certificate-identity-regexp RE)
                (--certificate-oidc-issuer URL | --certificate-oidc-issuer-regexp RE)
                [--image-pattern GLOB] [--name NAME] [--out FILE|DIR]
                [--trusted-root T | --tuf-root ROOT.json] [--ca-url URL] [--json]

Writes what a deploy-time verifier needs to accept images signed through this instance by the
given identity, from the instance's trusted root (pinned, through TUF or from the CA, as
\`signet verify\` gets it):
  policy-controller  a TrustRoot (spec.sigstoreKeys) and a ClusterImagePolicy whose keyless
                     authority trusts it (signatureFormat: legacy); kubectl apply -f FILE
  kyverno            a ClusterPolicy with a verifyImages rule (keyless roots, rekor and ctlog
                     keys inline, mutateDigest and verifyDigest); kubectl apply -f FILE
  containers-policy  DIR/policy.json (a sigstoreSigned requirement) and
                     DIR/registries.d/NAME.yaml (use-sigstore-attachments) for containers/image
                     5.24 or later (podman, CRI-O); --out DIR is required
These verifiers read the legacy .sig signature of an image, not bundle referrers.

GLOB (default **, every image) is a policy-controller glob over full references: * within one
path segment, ** across them, e.g. registry.example.com/team/**. Kyverno gets it with * for
both; containers/image gets the repository prefix before the first wildcard. NAME (default
signet) names the Kubernetes objects. A regexp must match the whole value (it is written as
^(?:RE)$) and be valid RE2, as the verifiers are Go programs. When the trusted root lists the
instance's log URL (--log-url, SIGNET_LOG_URL), only the log keys there are exported: legacy
signatures get their SETs from that Rekor v1 log, never from a Rekor v2 shard.

Refused, naming why: a verifier that cannot check this instance's keys (SETs of legacy
signatures are checked with ECDSA P-256 log keys only; SCTs with ECDSA or RSA CT log keys),
and containers-policy with a regexp or an identity that is not an e-mail (c/image matches
fulcio.subjectEmail exactly). Keys and CA chains whose validity window ends before their
certificates expire are left out, with a warning: these formats cannot bound them in time.

Exit codes: 0 written; 1 the trusted root did not verify (TUF) or changed; 2 error, or the
verifier cannot check this instance's keys; 4 CA unreachable; 64 bad usage.

Examples:
  signet trust-root export --format policy-controller --out signet-policy.yaml \\
    --image-pattern 'registry.example.com/team/**' \\
    --certificate-identity-regexp 'https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v.*' \\
    --certificate-oidc-issuer https://token.actions.githubusercontent.com
  signet trust-root export --format containers-policy --out ./containers \\
    --image-pattern 'registry.example.com/team/**' \\
    --certificate-identity alice@example.com --certificate-oidc-issuer https://idp.example.com
`;

const BUILDERS: Record<ExportFormat, typeof policyControllerExport> = {
  'policy-controller': policyControllerExport,
  kyverno: kyvernoExport,
  'containers-policy': containersPolicyExport,
};

/** `signet trust-root export`; returns the exit code. */
export async function trustRootExport(argv: string[], ctx: CliContext): Promise<number> {
  const { values, help } = parseCommand(argv, {
    ...commonOptions,
    ...instanceOptions,
    ...exportOptions,
    'trusted-root': { type: 'string' },
  });
  if (help) {
    ctx.print(trustRootExportHelp.trimEnd());
    return 0;
  }
  const request = exportRequestFrom(values);
  if (request.format === 'containers-policy' && values.out === undefined) {
    throw usageError('--format containers-policy writes two files: give --out DIR');
  }
  const { caUrl, logUrl, tufRoot } = resolveInstance(values, ctx.env);
  const trusted = await loadTrustedRoot(ctx, caUrl, values['trusted-root'], tufRoot);
  const output = BUILDERS[request.format](exportableTrust(trusted.root), { ...request, logUrl });
  for (const note of output.notes) ctx.status(`note: ${note}`);
  const json = { format: request.format, trustedRoot: trusted.source };
  if (values.out === undefined) {
    const text = output.files.map((f) => f.text).join('');
    ctx.print(values.json === true ? JSON.stringify({ ...json, text }) : text.trimEnd());
  } else {
    const files = await write(output, values.out, ctx);
    if (values.json === true) ctx.print(JSON.stringify({ ...json, files }));
  }
  ctx.status(`exported the trusted root of ${trusted.source} for ${request.format}`);
  return 0;
}

/** Writes the output's files: a single one to `out`, several under the directory `out`. */
async function write(output: ExportOutput, out: string, ctx: CliContext): Promise<string[]> {
  const written: string[] = [];
  for (const file of output.files) {
    const path = file.path === undefined ? out : join(out, file.path);
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (err) {
      throw new CliError(
        ExitCode.error,
        `cannot create ${dirname(path)}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    await writeOutput(path, file.text);
    ctx.status(`wrote ${path}`);
    written.push(path);
  }
  return written;
}
