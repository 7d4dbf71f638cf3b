/* `signet sign FILE`: ephemeral key, certificate from the CA, hashedrekord entry in the log,
   Sigstore bundle v0.3. */
import { createHash } from 'node:crypto';
import type { CliContext } from '../cli/context';
import { readInput } from '../cli/files';
import { commonOptions, parseCommand } from '../cli/options';
import {
  MessageSignatureV03BundleBuilder,
  signingOptions,
  signingServices,
  writeBundle,
} from './signing';

export const signHelp = `signet sign: sign a file with a short-lived certificate from the Signet CA

Usage:
  signet sign FILE [--bundle OUT] [--identity-token TOKEN | --identity-token-file PATH]
                   [--oidc-audience AUD] [--ca-url URL] [--log-url URL]
                   [--signing-config SC.json] [--json]

Makes an ephemeral ECDSA P-256 key, gets a certificate for your OIDC identity from the CA,
records the signature in the transparency log (hashedrekord) and writes a Sigstore bundle
(v0.3 JSON) to OUT, by default FILE.sigstore.json. The key is never written anywhere.

The identity token is taken from, in order: --identity-token; SIGSTORE_ID_TOKEN (GitLab CI:
an id_tokens: entry of that name); GitHub Actions (needs \`permissions: id-token: write\`;
audience --oidc-audience, default sigstore); --identity-token-file.
The instance: --ca-url/--log-url, else SIGNET_CA_URL/SIGNET_LOG_URL, else
http://127.0.0.1:5555 and http://127.0.0.1:3000. The log (Rekor v1 or v2) and the timestamp
authority come from the signing config (--signing-config, else the one the CA serves), chosen
as sigstore-go chooses: the highest log API version listed; an explicit --log-url means a v1 log.

Exit codes: 0 signed; 2 error; 3 denied by the CA's policy; 4 CA or log unreachable or failing;
64 bad usage. --json prints {"bundle","mediaType","identity","tlogEntries"} on stdout.

Examples:
  signet sign dist/app.tar.gz
  SIGNET_CA_URL=https://ca.example.com SIGNET_LOG_URL=https://log.example.com \\
    signet sign app.tar.gz --bundle app.tar.gz.sigstore.json --json
`;

/** `signet sign`; returns the exit code. */
export async function sign(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals, help } = parseCommand(
    argv,
    { ...commonOptions, ...signingOptions },
    ['FILE'],
  );
  if (help) {
    ctx.print(signHelp.trimEnd());
    return 0;
  }
  const file = positionals[0]!;
  const data = await readInput(file, 'file');
  ctx.status(`signing ${file} (sha256 ${createHash('sha256').update(data).digest('hex')})`);
  const services = await signingServices(values, ctx);
  const builder = new MessageSignatureV03BundleBuilder({
    signer: services.signer,
    witnesses: services.witnesses('messageSignature'),
  });
  const bundle = await builder.create({ data });
  const summary = await writeBundle(bundle, values.bundle ?? `${file}.sigstore.json`, ctx);
  if (values.json === true) ctx.print(JSON.stringify(summary));
  return 0;
}
