/* `signet verify FILE --bundle B --certificate-identity … --certificate-oidc-issuer …` */
import { createHash } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import {
  PolicyError,
  type Signer,
  toSignedEntity,
  toTrustMaterial,
  VerificationError,
  Verifier,
} from '@sigstore/verify';
import { certificateIdentity, leafCertificate, tlogEntrySummaries } from '../cli/certificate';
import type { CliContext } from '../cli/context';
import { verificationFailed } from '../cli/exit-codes';
import { readInput, readJsonInput } from '../cli/files';
import { commonOptions, instanceOptions, parseCommand, resolveInstance } from '../cli/options';
import { loadTrustedRoot } from '../trust/trusted-root';
import { checkIdentity, identityOptions, identityPolicyFrom } from './identity-policy';
import { checkStatementSubject, type StatementSummary } from './statement-subject';

export const verifyHelp = `signet verify: verify a file against its Sigstore bundle and the signer's identity

Usage:
  signet verify FILE --bundle BUNDLE
                (--certificate-identity ID | --certificate-identity-regexp RE)
                (--certificate-oidc-issuer URL | --certificate-oidc-issuer-regexp RE)
                [--certificate-github-workflow-repository R] [--certificate-github-workflow-ref R]
                [--certificate-github-workflow-sha S] [--certificate-github-workflow-trigger T]
                [--certificate-github-workflow-name N]
                [--trusted-root TRUSTED_ROOT.json] [--ca-url URL] [--json]

Checks with @sigstore/verify that the certificate chains to the instance's CA (with an SCT from
its CT log), that the transparency log recorded the signature (signed entry timestamp, inclusion
proof and signed checkpoint), and that the signature covers FILE; then that the certificate
names the identity and issuer required. A regexp must match the whole value (it is wrapped as
^(?:RE)$). The github-workflow flags require exact values of the certificate's OIDs
1.3.6.1.4.1.57264.1.5, .6, .3, .2 and .4. For an attestation (a DSSE bundle from
\`signet attest\`), FILE must be a subject of the signed statement (same sha256).
BUNDLE defaults to FILE.sigstore.json.

The trusted root comes from --trusted-root (offline), else from the CA
(GET /api/v1/trustedRoot, cached in $XDG_CACHE_HOME/signet/<host>/trusted_root.json, default
~/.cache); the cached copy is used when the CA cannot be reached.

Exit codes: 0 verified; 1 verification failed; 2 error (unreadable input); 4 CA unreachable
and no cached trusted root; 64 bad usage. --json prints the result on stdout.

Examples:
  signet verify app.tar.gz --bundle app.tar.gz.sigstore.json \\
    --certificate-identity alice@example.com --certificate-oidc-issuer https://idp.example.com
  signet verify app.tar.gz --bundle app.tar.gz.sigstore.json \\
    --certificate-identity-regexp 'https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v.*' \\
    --certificate-oidc-issuer https://token.actions.githubusercontent.com \\
    --certificate-github-workflow-repository acme/app --trusted-root trusted_root.json
`;

/** `signet verify`; returns the exit code. */
export async function verify(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals, help } = parseCommand(
    argv,
    {
      ...commonOptions,
      ...instanceOptions,
      ...identityOptions,
      bundle: { type: 'string' },
      'trusted-root': { type: 'string' },
    },
    ['FILE'],
  );
  if (help) {
    ctx.print(verifyHelp.trimEnd());
    return 0;
  }
  const policy = identityPolicyFrom(values);
  const file = positionals[0]!;
  const bundlePath = values.bundle ?? `${file}.sigstore.json`;
  const data = await readInput(file, 'file');
  const sha256 = createHash('sha256').update(data).digest('hex');
  const bundle = parseBundle(await readJsonInput(bundlePath, 'bundle'), bundlePath);
  const { caUrl } = resolveInstance(values, ctx.env);
  const trusted = await loadTrustedRoot(ctx, caUrl, values['trusted-root']);
  ctx.status(`verifying ${file} (sha256 ${sha256}) with ${bundlePath}`);

  const dsse = bundle.content.$case === 'dsseEnvelope' ? bundle.content.dsseEnvelope : undefined;
  const signer = verifyBundle(() =>
    new Verifier(toTrustMaterial(trusted.root)).verify(
      dsse === undefined ? toSignedEntity(bundle, data) : toSignedEntity(bundle),
    ),
  );
  checkIdentity(signer, policy);
  let statement: StatementSummary | undefined;
  if (dsse !== undefined) statement = checkStatementSubject(dsse, sha256);

  const der = leafCertificate(bundle);
  const extensions = der === undefined ? {} : certificateIdentity(der).extensions;
  const tlogEntries = tlogEntrySummaries(bundle);
  ctx.status(
    `signed by ${signer.identity?.subjectAlternativeName ?? '?'} (issuer ${signer.identity?.extensions?.issuer ?? '?'})`,
  );
  for (const e of tlogEntries) ctx.status(`logged at index ${e.logIndex} (${e.integratedTime})`);
  if (statement !== undefined) ctx.status(`attestation ${statement.predicateType}`);
  ctx.status('Verified OK');
  if (values.json === true) {
    ctx.print(
      JSON.stringify({
        verified: true,
        file,
        sha256,
        bundle: bundlePath,
        mediaType: bundle.mediaType,
        identity: {
          subjectAlternativeName: signer.identity?.subjectAlternativeName,
          issuer: signer.identity?.extensions?.issuer,
        },
        extensions,
        tlogEntries,
        ...(statement !== undefined ? { statement } : {}),
        trustedRoot: trusted.source,
      }),
    );
  }
  return 0;
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

// What each sigstore-js failure means, in the user's terms.
const HINTS: Record<string, string> = {
  SIGNATURE_ERROR: 'the signature does not cover this file (was it changed?)',
  CERTIFICATE_ERROR: "the certificate does not chain to the instance's CA, or its SCT is invalid",
  TIMESTAMP_ERROR: 'the bundle has no verifiable log timestamp',
  TLOG_INCLUSION_PROMISE_ERROR: "the log's signed entry timestamp does not verify",
  TLOG_INCLUSION_PROOF_ERROR: 'the inclusion proof or the signed checkpoint does not verify',
  TLOG_BODY_ERROR: 'the log entry does not match the bundle',
};

function verifyBundle(run: () => Signer): Signer {
  try {
    return run();
  } catch (err) {
    if (err instanceof VerificationError || err instanceof PolicyError) {
      const hint = HINTS[err.code];
      throw verificationFailed(
        `${hint === undefined ? '' : `${hint}: `}${err.message} (${err.code})`,
        err.code,
        err,
      );
    }
    throw err;
  }
}
