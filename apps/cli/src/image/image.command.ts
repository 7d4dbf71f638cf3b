/* `signet image sign|attest|verify|tree`: container images, signed by digest with the
   signatures stored beside them in their registry. */
import type { CliContext } from '../cli/context';
import { usageError } from '../cli/exit-codes';
import { imageAttest } from './image-attest.command';
import { imageSign } from './image-sign.command';
import { imageTree } from './image-tree.command';
import { imageVerify } from './image-verify.command';

export const imageHelp = `signet image: sign, attest and verify container images in their registry

Usage:
  signet image sign REF [--format bundle|legacy|both] [-a KEY=VALUE]... [--recursive]
  signet image attest REF --predicate PREDICATE.json --type TYPE [--format bundle|legacy|both]
  signet image verify REF (identity flags | --policy POLICY.yaml) [--type TYPE] [--require F]
  signet image tree REF

Every command resolves REF (registry/repository:tag or @sha256:...) to the digest it names and
works on that digest. Signatures are written in cosign v3's bundle referrer and cosign v2's
.sig/.att layouts (both by default), so cosign, policy-controller, Kyverno and containers/image
read them. \`signet image COMMAND --help\` gives each command's options.

Examples:
  signet image sign registry.example.com/team/app:1.4.2
  signet image verify registry.example.com/team/app:1.4.2 \\
    --certificate-identity alice@example.com --certificate-oidc-issuer https://idp.example.com
  signet image tree registry.example.com/team/app:1.4.2
`;

const subcommands: Record<string, (argv: string[], ctx: CliContext) => Promise<number>> = {
  sign: imageSign,
  attest: imageAttest,
  verify: imageVerify,
  tree: imageTree,
};

/** `signet image`; returns the exit code. */
export async function image(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  const command = sub === undefined ? undefined : subcommands[sub];
  if (command !== undefined) return command(rest, ctx);
  ctx.print(imageHelp.trimEnd());
  if (sub === undefined || sub === '--help' || sub === '-h') return 0;
  throw usageError(`unknown image command "${sub}" (expected sign, attest, verify or tree)`);
}
