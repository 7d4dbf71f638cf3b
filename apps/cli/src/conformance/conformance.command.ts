/* sigstore-conformance's CLI protocol (docs/cli_protocol.md), so that its harness can drive
   `signet` against a Signet instance:
     signet sign-bundle [--in-toto] --identity-token T --bundle F [--trusted-root TR] [--signing-config SC] FILE
     signet verify-bundle --bundle F (--certificate-identity ID --certificate-oidc-issuer URL | --key KEY)
                          [--trusted-root TR] FILE_OR_DIGEST
   Each maps onto `signet sign`, `signet attest`'s DSSE signing, or `signet verify`. */
import { DSSEBundleBuilder } from '@sigstore/sign';
import { IN_TOTO_PAYLOAD_TYPE, parseInTotoStatement } from '@app/signing';
import type { CliContext } from '../cli/context';
import { usageError } from '../cli/exit-codes';
import { readInput } from '../cli/files';
import { commonOptions, parseCommand } from '../cli/options';
import { sign } from '../sign/sign.command';
import { signingOptions, signingServices, writeBundle } from '../sign/signing';
import { verify } from '../verify/verify.command';

export const conformanceHelp = `signet sign-bundle / verify-bundle: sigstore-conformance's CLI protocol

Usage:
  signet sign-bundle [--in-toto] --identity-token TOKEN --bundle FILE [--trusted-root TR]
                     [--signing-config SC] FILE
  signet verify-bundle --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL |
                       --key KEY.pem) [--trusted-root TR] FILE_OR_DIGEST

sign-bundle signs FILE (with --in-toto: FILE is an in-toto statement, signed as a DSSE envelope)
with the services the signing config chooses (as signet sign does) and writes the bundle;
verify-bundle is signet verify. --staging is refused: there is no public staging instance.
`;

function refuseStaging(argv: string[]): void {
  if (argv.includes('--staging')) throw usageError('--staging: Signet has no staging instance');
}

/** `signet sign-bundle`; returns the exit code. */
export async function signBundle(argv: string[], ctx: CliContext): Promise<number> {
  refuseStaging(argv);
  const { values, positionals, help } = parseCommand(
    argv,
    {
      ...commonOptions,
      ...signingOptions,
      'in-toto': { type: 'boolean' },
      'trusted-root': { type: 'string' },
    },
    ['FILE'],
  );
  if (help) {
    ctx.print(conformanceHelp.trimEnd());
    return 0;
  }
  if (values['identity-token'] === undefined) throw usageError('--identity-token is required');
  if (values.bundle === undefined) throw usageError('--bundle FILE is required');
  const file = positionals[0]!;
  if (values['in-toto'] !== true) {
    const rest = argv.filter((a) => a !== '--trusted-root' && a !== values['trusted-root']);
    return sign(rest, ctx);
  }
  const statement = await readInput(file, 'statement');
  if (parseInTotoStatement(statement) === undefined) {
    throw usageError(`${file} is not an in-toto statement`);
  }
  const services = await signingServices(values, ctx);
  const bundle = await new DSSEBundleBuilder({
    signer: services.signer,
    witnesses: services.witnesses('dsse'),
  }).create({ data: statement, type: IN_TOTO_PAYLOAD_TYPE });
  await writeBundle(bundle, values.bundle, ctx);
  return 0;
}

/** `signet verify-bundle`; returns the exit code. */
export function verifyBundle(argv: string[], ctx: CliContext): Promise<number> {
  refuseStaging(argv);
  if (argv.includes('--help') || argv.includes('-h')) {
    ctx.print(conformanceHelp.trimEnd());
    return Promise.resolve(0);
  }
  // The protocol puts FILE_OR_DIGEST last; signet verify takes it first.
  const target = argv[argv.length - 1];
  if (target === undefined || target.startsWith('--')) {
    throw usageError('FILE_OR_DIGEST is required, last');
  }
  return verify([target, ...argv.slice(0, -1)], ctx);
}
