/* `signet attest FILE --predicate P --type T`: an in-toto statement about FILE in a DSSE bundle. */
import { DSSEBundleBuilder } from '@sigstore/sign';
import { IN_TOTO_PAYLOAD_TYPE } from '@app/signing';
import type { CliContext } from '../cli/context';
import { usageError } from '../cli/exit-codes';
import { readInput, readJsonInput } from '../cli/files';
import { commonOptions, parseCommand } from '../cli/options';
import { signingOptions, signingServices, writeBundle } from './signing';
import { PREDICATE_TYPES, predicateTypeOf, statementFor } from './statement';

export const attestHelp = `signet attest: sign an in-toto attestation about a file

Usage:
  signet attest FILE --predicate PREDICATE.json --type TYPE [--bundle OUT]
                [--identity-token TOKEN | --identity-token-file PATH] [--oidc-audience AUD]
                [--ca-url URL] [--log-url URL] [--json]

Wraps the predicate (a JSON file) in an in-toto Statement v1 whose subject is FILE (name = its
basename, digest = its sha256), signs it as a DSSE envelope with a certificate from the CA,
records it in the log (dsse entry) and writes a Sigstore bundle (v0.3 JSON) to OUT, by default
FILE.intoto.sigstore.json. TYPE is a URI or one of:
${Object.entries(PREDICATE_TYPES)
  .map(([name, uri]) => `  ${name.padEnd(15)} ${uri}`)
  .join('\n')}

Identity token, instance and exit codes: as for \`signet sign --help\`.

Examples:
  signet attest app.tar.gz --predicate provenance.json --type slsaprovenance
  signet attest app.tar.gz --predicate sbom.spdx.json --type spdxjson --bundle sbom.sigstore.json
  signet verify app.tar.gz --bundle app.tar.gz.intoto.sigstore.json \\
    --certificate-identity alice@example.com --certificate-oidc-issuer https://idp.example.com
`;

/** `signet attest`; returns the exit code. */
export async function attest(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals, help } = parseCommand(
    argv,
    {
      ...commonOptions,
      ...signingOptions,
      predicate: { type: 'string' },
      type: { type: 'string' },
    },
    ['FILE'],
  );
  if (help) {
    ctx.print(attestHelp.trimEnd());
    return 0;
  }
  if (values.predicate === undefined) throw usageError('--predicate FILE is required');
  if (values.type === undefined) throw usageError('--type TYPE is required');
  const predicateType = predicateTypeOf(values.type);
  const file = positionals[0]!;
  const data = await readInput(file, 'file');
  const predicate = await readJsonInput(values.predicate, 'predicate');
  const statement = statementFor(file, data, predicateType, predicate);
  ctx.status(`attesting ${predicateType} about ${file}`);
  const services = await signingServices(values, ctx);
  const builder = new DSSEBundleBuilder({
    signer: services.signer,
    witnesses: services.witnesses('dsse'),
  });
  const bundle = await builder.create({
    data: Buffer.from(JSON.stringify(statement)),
    type: IN_TOTO_PAYLOAD_TYPE,
  });
  const summary = await writeBundle(bundle, values.bundle ?? `${file}.intoto.sigstore.json`, ctx);
  if (values.json === true) ctx.print(JSON.stringify({ ...summary, predicateType }));
  return 0;
}
