/* `signet verify FILE|sha256:HEX --bundle B (--certificate-identity … --certificate-oidc-issuer … | --key K)` */
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { PolicyError, type Signer, VerificationError, Verifier } from '@sigstore/verify';
import { certificateIdentity, leafCertificate, tlogEntrySummaries } from '../cli/certificate';
import type { CliContext } from '../cli/context';
import { usageError, verificationFailed } from '../cli/exit-codes';
import { readJsonInput } from '../cli/files';
import { commonOptions, instanceOptions, parseCommand, resolveInstance } from '../cli/options';
import { loadTrustedRoot } from '../trust/trusted-root';
import { type ArtifactInput, describeArtifact, readArtifactInput } from './artifact-input';
import { checkBundleStructure } from './bundle-checks';
import { checkIdentity } from './identity-policy';
import { signedEntityFor } from './signed-entity';
import {
  checkVerificationMaterial,
  type SignerPolicy,
  signerOptions,
  signerPolicyFrom,
  trustMaterialFor,
} from './signer-policy';
import { checkStatementSubject, type StatementSummary } from './statement-subject';

export const verifyHelp = `signet verify: verify a file against its Sigstore bundle and the signer's identity

Usage:
  signet verify FILE --bundle BUNDLE
                (--certificate-identity ID | --certificate-identity-regexp RE)
                (--certificate-oidc-issuer URL | --certificate-oidc-issuer-regexp RE)
                [--certificate-github-workflow-repository R] [--certificate-github-workflow-ref R]
                [--certificate-github-workflow-sha S] [--certificate-github-workflow-trigger T]
                [--certificate-github-workflow-name N]
                [--trusted-root TRUSTED_ROOT.json] [--ca-url URL] [--insecure-http] [--json]
  signet verify FILE --bundle BUNDLE --key KEY.pem [--trusted-root TRUSTED_ROOT.json] [--json]

FILE may be sha256:HEX (64 hex digits) instead, when no file has that name: then only the
file's digest is verified.

Checks with @sigstore/verify that the certificate chains to the instance's CA (with an SCT from
its CT log), that the transparency log recorded the signature (signed entry timestamp, inclusion
proof and signed checkpoint), and that the signature covers FILE; then that the certificate
names the identity and issuer required. A regexp must match the whole value (it is wrapped as
^(?:RE)$). The github-workflow flags require exact values of the certificate's OIDs
1.3.6.1.4.1.57264.1.5, .6, .3, .2 and .4. For an attestation (a DSSE bundle from
\`signet attest\`), FILE must be a subject of the signed statement (same sha256).
BUNDLE defaults to FILE.sigstore.json (required with sha256:HEX).

--key verifies a bundle signed with a managed key (its verification material is a public key,
not a certificate) with that PEM public key instead of an identity; the log and timestamp
checks are the same. A bundle with a certificate needs the identity flags, one with a public
key needs --key.

With sha256:HEX, a message signature's bundle must record that digest (messageDigest) and the
signature is verified over it (ECDSA or RSA; an Ed25519 signature needs the file); for an
attestation the digest must be a subject of the statement.

The trusted root comes from --trusted-root or SIGNET_TRUSTED_ROOT (a pinned root, offline:
prefer it), else from the CA (GET /api/v1/trustedRoot). The first root fetched is cached in
$XDG_CACHE_HOME/signet/<host>/trusted_root.json (default ~/.cache), trusted on first use; one
that trusts other keys than the cached copy is refused (exit 1) until \`signet trust-root
--replace\`. The cached copy is used when the CA cannot be reached. Every validFor in it must
have a start. Plain http to a CA that is not loopback needs --insecure-http.

Exit codes: 0 verified; 1 verification failed (or the CA's trusted root changed); 2 error
(unreadable input, unusable key or trusted root); 4 CA unreachable and no cached trusted root;
64 bad usage. --json prints the result on stdout.

Examples:
  signet verify app.tar.gz --bundle app.tar.gz.sigstore.json \\
    --certificate-identity alice@example.com --certificate-oidc-issuer https://idp.example.com
  signet verify app.tar.gz --bundle app.tar.gz.sigstore.json \\
    --certificate-identity-regexp 'https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v.*' \\
    --certificate-oidc-issuer https://token.actions.githubusercontent.com \\
    --certificate-github-workflow-repository acme/app --trusted-root trusted_root.json
  signet verify sha256:$(sha256sum app.tar.gz | cut -d' ' -f1) --bundle app.tar.gz.sigstore.json \\
    --key release-key.pub --trusted-root trusted_root.json
`;

/** `signet verify`; returns the exit code. */
export async function verify(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals, help } = parseCommand(
    argv,
    {
      ...commonOptions,
      ...instanceOptions,
      ...signerOptions,
      bundle: { type: 'string' },
      'trusted-root': { type: 'string' },
    },
    ['FILE'],
  );
  if (help) {
    ctx.print(verifyHelp.trimEnd());
    return 0;
  }
  const signerPolicy = await signerPolicyFrom(values);
  const input = await readArtifactInput(positionals[0]!);
  if (input.kind === 'digest' && values.bundle === undefined) {
    throw usageError('--bundle is required when verifying a sha256: digest');
  }
  const artifact = describeArtifact(input);
  const bundlePath = values.bundle ?? `${artifact}.sigstore.json`;
  const bundle = parseBundle(await readJsonInput(bundlePath, 'bundle'), bundlePath);
  const { caUrl, tufRoot } = resolveInstance(values, ctx.env);
  const trusted = await loadTrustedRoot(ctx, caUrl, values['trusted-root'], tufRoot);
  ctx.status(`verifying ${artifact} (sha256 ${input.sha256}) with ${bundlePath}`);

  checkVerificationMaterial(bundle, signerPolicy);
  checkBundleStructure(bundle);
  const signer = verifyBundle(
    () =>
      new Verifier(trustMaterialFor(trusted.root, signerPolicy)).verify(
        signedEntityFor(bundle, input),
      ),
    signatureHint(signerPolicy, input),
  );
  if (signerPolicy.kind === 'identity') checkIdentity(signer, signerPolicy.policy);
  let statement: StatementSummary | undefined;
  if (bundle.content.$case === 'dsseEnvelope') {
    statement = checkStatementSubject(bundle.content.dsseEnvelope, input.sha256);
  }

  const der = leafCertificate(bundle);
  const extensions = der === undefined ? {} : certificateIdentity(der).extensions;
  const tlogEntries = tlogEntrySummaries(bundle);
  ctx.status(`signed by ${signerName(signer, signerPolicy)}`);
  for (const e of tlogEntries) ctx.status(`logged at index ${e.logIndex} (${e.integratedTime})`);
  if (statement !== undefined) ctx.status(`attestation ${statement.predicateType}`);
  ctx.status('Verified OK');
  if (values.json === true) {
    ctx.print(
      JSON.stringify({
        verified: true,
        ...(input.kind === 'file' ? { file: input.path } : {}),
        sha256: input.sha256,
        bundle: bundlePath,
        mediaType: bundle.mediaType,
        ...(signerPolicy.kind === 'key'
          ? { key: { path: signerPolicy.path, fingerprint: signerPolicy.fingerprint } }
          : {
              identity: {
                subjectAlternativeName: signer.identity?.subjectAlternativeName,
                issuer: signer.identity?.extensions?.issuer,
              },
            }),
        extensions,
        tlogEntries,
        ...(statement !== undefined ? { statement } : {}),
        trustedRoot: trusted.source,
      }),
    );
  }
  return 0;
}

function signerName(signer: Signer, policy: SignerPolicy): string {
  if (policy.kind === 'key') return `key ${policy.path} (sha256 ${policy.fingerprint})`;
  const { identity } = signer;
  return `${identity?.subjectAlternativeName ?? '?'} (issuer ${identity?.extensions?.issuer ?? '?'})`;
}

function parseBundle(json: unknown, path: string): Bundle {
  try {
    return bundleFromJSON(json);
  } catch (err) {
    throw verificationFailed(
      `${path} is not a valid Sigstore bundle: ${(err as Error).message}`,
      'BUNDLE_ERROR',
      err,
    );
  }
}

// What each sigstore-js failure means, in the user's terms (SIGNATURE_ERROR: signatureHint).
const HINTS: Record<string, string> = {
  CERTIFICATE_ERROR: "the certificate does not chain to the instance's CA, or its SCT is invalid",
  TIMESTAMP_ERROR: 'the bundle has no verifiable log timestamp',
  TLOG_INCLUSION_PROMISE_ERROR: "the log's signed entry timestamp does not verify",
  TLOG_INCLUSION_PROOF_ERROR: 'the inclusion proof or the signed checkpoint does not verify',
  TLOG_BODY_ERROR: 'the log entry does not match the bundle',
};

function signatureHint(policy: SignerPolicy, input: ArtifactInput): string {
  const what = input.kind === 'file' ? 'this file' : 'this digest';
  return policy.kind === 'key'
    ? `the signature does not verify with --key ${policy.path} over ${what} (another key, or was the file changed?)`
    : `the signature does not cover ${what} (was the file changed?)`;
}

function verifyBundle(run: () => Signer, signatureHint: string): Signer {
  try {
    return run();
  } catch (err) {
    if (err instanceof VerificationError || err instanceof PolicyError) {
      const hint = err.code === 'SIGNATURE_ERROR' ? signatureHint : HINTS[err.code];
      throw verificationFailed(
        `${hint === undefined ? '' : `${hint}: `}${err.message} (${err.code})`,
        err.code,
        err,
      );
    }
    throw err;
  }
}
