#!/usr/bin/env node
/* `signet`: the command line for CI and people. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { admin } from './admin/admin.command';
import { caCertificates, caDistrustHelp } from './ca/ca-distrust';
import { caInit, caInitHelp } from './ca/ca-init';
import { tsaInit, tsaInitHelp } from './tsa/tsa-init';
import { signBundle, verifyBundle } from './conformance/conformance.command';
import { tuf } from './tuf/tuf-root';
import { type CliContext, processContext } from './cli/context';
import { image } from './image/image.command';
import { ExitCode, exitCodeFor, usageError } from './cli/exit-codes';
import { log } from './log/log.command';
import { attest } from './sign/attest.command';
import { sign } from './sign/sign.command';
import { trustRoot } from './trust/trust-root.command';
import { verify } from './verify/verify.command';

export const usage = `signet: sign and verify with a Signet instance

Usage:
  signet sign FILE [--bundle OUT]                      sign a file (Sigstore bundle v0.3)
  signet attest FILE --predicate P --type T [--bundle OUT]
                                                       sign an in-toto attestation about a file
  signet verify FILE|sha256:HEX --bundle B (--certificate-identity X | --certificate-identity-regexp R)
                (--certificate-oidc-issuer Y | --certificate-oidc-issuer-regexp R)
                [--trusted-root T]                     verify a file, its bundle and its signer
  signet verify FILE|sha256:HEX --bundle B --key KEY.pem [--trusted-root T]
                                                       verify a bundle signed with a managed key
  signet image sign REF [--format bundle|legacy|both] [--recursive]
                                                       sign a container image by digest, in its registry
  signet image attest REF --predicate P --type T       attest to a container image (in-toto)
  signet image verify REF (identity flags | --policy F) [--type T]
                                                       verify an image's signatures or attestations
  signet image tree REF                                list the signatures and referrers of an image
  signet trust-root [--out FILE] [--replace]           fetch the instance's trusted root
  signet trust-root export --format policy-controller|kyverno|containers-policy (--certificate-identity X ...)
                                                       trust this instance in an admission gate
  signet log info|get|search|proof                     read and check the transparency log
  signet log monitor --state F [--once] [watch flags]  follow the logs, prove they grow, alert on watched ones
  signet ca init --out DIR                             create a CA root and intermediate
  signet ca list | distrust SHA256 --reason R          the CA certificates the log trusts (server)
  signet tsa init --out DIR                            create the timestamp authority's keys and chain
  signet tuf init|root [sign] --out DIR                create, renew or co-sign the TUF root of the CA's /tuf
  signet admin token create --role R --name N --expires D
                                                       the first admin API token (server)
  signet admin audit [--policy-key KEY.pem] [--json]   prove which policy version allowed each certificate
  signet admin rules export [--out F] | import F --reason R
                                                       the CA's rules and issuers as YAML, for review in git
  signet sign-bundle | verify-bundle ...               sigstore-conformance's CLI protocol
  signet --version
  signet COMMAND --help                                options and examples of a command

Instance: --ca-url/--log-url, else SIGNET_CA_URL/SIGNET_LOG_URL, else http://127.0.0.1:5555
and http://127.0.0.1:3000. Plain http only to loopback hosts, unless --insecure-http (which
never covers sending the identity token).
Trust (verify, image, log, trust-root): --trusted-root FILE or SIGNET_TRUSTED_ROOT (pinned), else
--tuf-root ROOT.json or SIGNET_TUF_ROOT (the CA's /tuf, checked from that root), else the CA's
trusted root, trusted on first use and cached.
Identity token (sign, attest, image): --identity-token, SIGSTORE_ID_TOKEN (also GitLab CI id_tokens),
GitHub Actions (permissions: id-token: write), --identity-token-file, in that order.
Admin API token (admin): SIGNET_ADMIN_TOKEN, else --token-file FILE.
Status lines go to stderr; --json prints a machine-readable result on stdout.

Exit codes:
  0   success
  1   verification failed (signature, certificate, log proof, identity or subject digest)
  2   other error (unreadable input, no identity token, request refused with a 4xx)
  3   denied by policy (the CA or the log answered 403)
  4   CA, log or token endpoint unreachable, or answering 5xx/429
  64  bad usage

Examples:
  signet sign app.tar.gz
  signet verify app.tar.gz --bundle app.tar.gz.sigstore.json \\
    --certificate-identity alice@example.com --certificate-oidc-issuer https://idp.example.com
`;

type Command = (argv: string[], ctx: CliContext) => Promise<number>;

const commands: Record<string, Command> = {
  sign,
  attest,
  verify,
  image,
  'trust-root': trustRoot,
  log,
  admin,
  ca: async (argv, ctx) => {
    const [sub, ...rest] = argv;
    if (sub === 'init') return caInit(rest, (line) => ctx.print(line));
    if (sub === 'list' || sub === 'distrust') return caCertificates(sub, rest, ctx);
    ctx.print(caInitHelp.trimEnd());
    ctx.print(caDistrustHelp.trimEnd());
    if (sub === undefined || sub === '--help' || sub === '-h') return 0;
    throw usageError(`unknown ca command "${sub}" (expected init, list or distrust)`);
  },
  tuf: (argv, ctx) => tuf(argv, (line) => ctx.print(line)),
  'sign-bundle': signBundle,
  'verify-bundle': verifyBundle,
  tsa: async (argv, ctx) => {
    const [sub, ...rest] = argv;
    if (sub === 'init') return tsaInit(rest, (line) => ctx.print(line));
    ctx.print(tsaInitHelp.trimEnd());
    if (sub === undefined || sub === '--help' || sub === '-h') return 0;
    throw usageError(`unknown tsa command "${sub}" (expected init)`);
  },
};

/** Runs `signet` with `argv` (without node and the script); returns the exit code. */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version') {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as {
      version: string;
    };
    ctx.print(pkg.version);
    return 0;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    ctx.print(usage.trimEnd());
    return 0;
  }
  const command = commands[first];
  if (command === undefined) {
    ctx.status(usage.trimEnd());
    throw usageError(`unknown command "${first}"`);
  }
  try {
    return await command(rest, ctx);
  } catch (err) {
    if (rest.includes('--json')) ctx.print(JSON.stringify(jsonFailure([first, ...rest], err)));
    throw err;
  }
}

function jsonFailure(argv: string[], err: unknown): Record<string, unknown> {
  const code = (err as { code?: unknown } | null)?.code;
  const verifying = argv[0] === 'verify' || (argv[0] === 'image' && argv[1] === 'verify');
  return {
    ...(verifying ? { verified: false } : {}),
    exitCode: exitCodeFor(err),
    ...(typeof code === 'string' ? { code } : {}),
    message: err instanceof Error ? err.message : String(err),
  };
}

if (require.main === module) {
  const ctx = processContext();
  run(process.argv.slice(2), ctx).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      ctx.status(`signet: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = exitCodeFor(err);
    },
  );
}

export { ExitCode };
