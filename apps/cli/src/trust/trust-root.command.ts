/* `signet trust-root [--out FILE]`: the instance's trusted root, for offline verification and for
   stock Sigstore clients (sigstore-js TRUSTED_ROOT, cosign --trusted-root). */
import type { CliContext } from '../cli/context';
import { writeOutput } from '../cli/files';
import { commonOptions, instanceOptions, parseCommand, resolveInstance } from '../cli/options';
import { trustRootExport } from './trust-root-export.command';
import { fetchTrustedRoot, tufTrustedRoot, trustedRootCachePath } from './trusted-root';

export const trustRootHelp = `signet trust-root: fetch the instance's trusted root

Usage:
  signet trust-root [--out FILE] [--replace] [--ca-url URL] [--insecure-http]
  signet trust-root export --format policy-controller|kyverno|containers-policy ...
                                   (see signet trust-root export --help)

Fetches the Sigstore TrustedRoot JSON from the CA (GET /api/v1/trustedRoot): the CA chains,
the transparency log key and the CT log key. Prints it on stdout, or writes it to FILE, and
caches the copy \`signet verify\` uses in $XDG_CACHE_HOME/signet/<host>/trusted_root.json.
A root that trusts other keys than the cached copy is refused (exit 1) unless --replace: check
it out of band first (a key rotation, not someone answering for the CA). Pass the file to
\`signet verify --trusted-root\` (or SIGNET_TRUSTED_ROOT) to verify against a pinned root, or
to cosign and sigstore-js.

Plain http is refused for hosts that are not loopback unless --insecure-http.

Exit codes: 0 written; 1 the root differs from the cached one; 2 error; 4 CA unreachable;
64 bad usage.

\`signet trust-root export\` writes the same trust for admission gates (policy-controller,
Kyverno, containers/image).

Examples:
  signet trust-root --out trusted_root.json
  SIGNET_CA_URL=https://ca.example.com signet trust-root > trusted_root.json
`;

/** `signet trust-root`; returns the exit code. */
export async function trustRoot(argv: string[], ctx: CliContext): Promise<number> {
  if (argv[0] === 'export') return trustRootExport(argv.slice(1), ctx);
  const { values, help } = parseCommand(argv, {
    ...commonOptions,
    ...instanceOptions,
    out: { type: 'string' },
    replace: { type: 'boolean' },
  });
  if (help) {
    ctx.print(trustRootHelp.trimEnd());
    return 0;
  }
  const { caUrl, tufRoot } = resolveInstance(values, ctx.env);
  const { json, root } =
    tufRoot === undefined
      ? await fetchTrustedRoot(ctx, caUrl, { replace: values.replace === true })
      : await tufTrustedRoot(ctx, caUrl, tufRoot);
  const counts = `${root.certificateAuthorities.length} CA chain(s), ${root.tlogs.length} log key(s), ${root.ctlogs.length} CT log key(s)`;
  const out = values.out;
  if (out === undefined) {
    ctx.print(JSON.stringify(json, null, 2));
  } else {
    await writeOutput(out, `${JSON.stringify(json, null, 2)}\n`);
    ctx.status(`wrote the trusted root of ${caUrl} (${counts}) to ${out}`);
    if (values.json === true) ctx.print(JSON.stringify({ out, caUrl }));
  }
  ctx.status(`cached in ${trustedRootCachePath(ctx.env, caUrl)}`);
  return 0;
}
