/* `signet admin audit`: prove from the logs which policy version allowed each certificate. */
import type { KeyObject } from 'node:crypto';
import { parsePublicKey } from '@app/signing';
import type { CliContext } from '../cli/context';
import { CliError, ExitCode } from '../cli/exit-codes';
import { readInput } from '../cli/files';
import { commonOptions, instanceOptions, parseCommand, resolveInstance } from '../cli/options';
import { loadTrustedRoot } from '../trust/trusted-root';
import { AdminApi, adminToken, adminTokenOptions } from './admin-api';
import { auditCertificates } from './audit-certificates';
import { auditVersions } from './audit-versions';
import type { VersionInForce } from './certificate-policy';

export const adminAuditHelp = `signet admin audit: prove which policy version allowed each certificate

Usage:
  signet admin audit [--policy-key KEY.pem] [--token-file FILE] [--json]
                     [--ca-url URL] [--log-url URL] [--trusted-root FILE | --tuf-root ROOT.json]

Reads every policy version from the CA's admin API (a viewer API token: SIGNET_ADMIN_TOKEN or
--token-file) and checks it against the logs, trusting only the trusted root and the policy key:
  versions      1..N with no gap, each snapshot hashing to its digest and naming the previous
                version's digest; each version's statement in the transparency log, signed by
                the policy key, with a valid signed entry timestamp and inclusion proof; every
                statement the log holds from the policy key is a version of the chain
  certificates  every entry of the CT log (its tree head checked, its entries hashed into that
                head's root, so none is left out) issued by the instance's CA names a version of
                the chain with its digest, was issued while that version was in force (logged no
                later than the certificate's notBefore, not yet replaced; 5 s of clock skew), and
                its rule exists in that version and allows its OIDC issuer and identity (claim
                conditions are not in a certificate, so they are not re-checked)
--policy-key pins the policy key (the CA's CA_POLICY_KEY, public part); without it the key the
CA serves is used, with a warning: a CA that lies about its history could lie about that too.

Exit codes: 0 everything checked out; 1 anything reported (or a log signature or proof that
does not verify); 2 error; 3 the token may not read policy versions; 4 CA or log unreachable;
64 bad usage.

Examples:
  SIGNET_ADMIN_TOKEN=sgn_at_... signet admin audit --policy-key policy-key.pub.pem
  signet admin audit --token-file ~/.signet-admin-token --json | jq .certificates.problems
`;

/** `signet admin audit`; returns the exit code. */
export async function adminAudit(argv: string[], ctx: CliContext): Promise<number> {
  const { values, help } = parseCommand(argv, {
    ...commonOptions,
    ...instanceOptions,
    ...adminTokenOptions,
    'trusted-root': { type: 'string' },
    'policy-key': { type: 'string' },
  });
  if (help) {
    ctx.print(adminAuditHelp.trimEnd());
    return 0;
  }
  const instance = resolveInstance(values, ctx.env);
  const api = new AdminApi(ctx, instance.caUrl, await adminToken(ctx, values['token-file']));
  const { root } = await loadTrustedRoot(
    ctx,
    instance.caUrl,
    values['trusted-root'],
    instance.tufRoot,
  );
  const policyKey = await loadPolicyKey(ctx, api, values['policy-key']);

  const versions = await auditVersions(ctx, api, instance.logUrl, policyKey, root);
  const chain = new Map<number, VersionInForce>(
    versions.versions.map((v) => [
      v.version,
      { version: v.version, digest: v.digest, rules: v.rules, loggedAt: v.log?.integratedTime },
    ]),
  );
  const certificates = await auditCertificates(ctx, instance.logUrl, root, chain);
  const ok = versions.problems.length === 0 && certificates.problems.length === 0;

  if (values.json === true) {
    ctx.print(
      JSON.stringify({
        verified: ok,
        versions: versions.versions.map((v) => ({
          version: v.version,
          digest: v.digest,
          log: v.log ?? null,
          problems: versions.problems.filter((p) => p.version === v.version).map((p) => p.problem),
        })),
        certificates: {
          ctTreeSize: certificates.treeSize,
          checked: certificates.certificates.length,
          otherIssuers: certificates.otherIssuers,
          list: certificates.certificates,
          problems: certificates.problems,
        },
        problems: versions.problems,
      }),
    );
  } else {
    for (const v of versions.versions) {
      const logged =
        v.log === undefined
          ? 'NOT proven in the log'
          : `log index ${v.log.logIndex}, integrated ${new Date(v.log.integratedTime * 1000).toISOString()}`;
      ctx.print(`policy version ${v.version}  ${v.digest.slice(0, 16)}…  ${logged}`);
    }
    const perVersion = new Map<string, number>();
    for (const c of certificates.certificates) {
      const key = c.version === undefined ? 'no version' : `version ${c.version}, rule ${c.rule}`;
      perVersion.set(key, (perVersion.get(key) ?? 0) + 1);
    }
    ctx.print(
      `CT log: ${certificates.treeSize} entries, complete; ${certificates.certificates.length} certificates of this CA${certificates.otherIssuers > 0 ? `, ${certificates.otherIssuers} of CAs not in the trusted root (not checked)` : ''}`,
    );
    for (const [key, n] of perVersion) ctx.print(`  ${n} issued under ${key}`);
    for (const p of versions.problems) {
      ctx.print(
        `PROBLEM ${p.version === null ? 'policy history' : `policy version ${p.version}`}: ${p.problem}`,
      );
    }
    for (const p of certificates.problems) {
      ctx.print(`PROBLEM certificate ${p.serial ?? '?'} (CT index ${p.index}): ${p.problem}`);
    }
  }
  // On stderr, so that `--json` keeps stdout to the report.
  ctx.status(
    ok
      ? `audit passed: ${versions.versions.length} policy versions, ${certificates.certificates.length} certificates`
      : `audit FAILED: ${versions.problems.length + certificates.problems.length} problems`,
  );
  return ok ? ExitCode.ok : ExitCode.verificationFailed;
}

async function loadPolicyKey(
  ctx: CliContext,
  api: AdminApi,
  file: string | undefined,
): Promise<{ key: KeyObject; pem: string }> {
  let text: string;
  if (file === undefined) {
    ctx.status(
      'warning: the policy key is the one the CA serves now (/api/admin/v1/policy/key); pin it with --policy-key FILE',
    );
    text = await api.policyKey();
  } else {
    text = (await readInput(file, 'policy key')).toString('utf8');
  }
  try {
    const key = parsePublicKey(text.trim());
    const pem = key.export({ type: 'spki', format: 'pem' }).toString();
    return { key, pem };
  } catch (err) {
    throw new CliError(
      ExitCode.error,
      `the policy key ${file ?? 'the CA serves'} is not a public key: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
