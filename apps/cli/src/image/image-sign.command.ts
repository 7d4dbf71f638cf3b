/* `signet image sign REF`: signs the image's digest (never a tag) in cosign v3's bundle referrer
   and cosign v2's `.sig` layout, both by default, and stores the signatures in the registry. */
import type { CliContext } from '../cli/context';
import { usageError } from '../cli/exit-codes';
import { commonOptions, parseCommand } from '../cli/options';
import { legacySignatureLayer } from './formats/legacy-layer';
import { signPayload, signStatement } from './formats/image-signing';
import { simpleSigningPayload } from './formats/simple-signing';
import { imageSignatureStatement } from './formats/statement';
import { legacyTag } from './formats/tags';
import {
  imageAt,
  platformOf,
  registryClient,
  registryHelp,
  registryOptions,
  resolveImage,
  signingTargets,
} from './image-registry';
import { publishBundle, publishLegacyLayer } from './image-publish';
import { imageSigningOptions, parseFormats, startSigningRun } from './image-signing-run';
import { type SignedTarget, signedSummary } from './image-signed';

export const imageSignHelp = `signet image sign: sign a container image by digest, in its registry

Usage:
  signet image sign REF [--format bundle|legacy|both] [-a KEY=VALUE]... [--recursive]
                    [--signature-repo REGISTRY/REPO] [--allow-http HOST]... [--ca-file PEM]
                    [--docker-config FILE] [--identity-token TOKEN | --identity-token-file PATH]
                    [--ca-url URL] [--log-url URL] [--trusted-root T] [--json]

Resolves REF (registry/repository:tag or @sha256:...) to its digest first and signs that digest,
never the tag: for a multi-platform image the index; --recursive also signs each platform's
manifest. Prints each digest signed (registry/repository@sha256:...) on stdout.

Formats (--format, default both):
  bundle  a Sigstore bundle v0.3 (DSSE, in-toto statement https://sigstore.dev/cosign/sign/v1)
          as an OCI 1.1 referrer, as cosign v3 writes it; kept in the referrers fallback tag
          sha256-<hex> on registries without the referrers API
  legacy  a simple-signing layer in sha256-<hex>.sig with certificate, chain and signed entry
          timestamp annotations, as cosign v2 writes it and policy-controller, Kyverno and
          containers/image read it; needs the instance's Rekor v1 log with a P-256 key
One certificate from the CA serves every signature of the run. -a KEY=VALUE annotations are
signed with it (the statement subject's annotations, the payload's "optional").

${registryHelp}

Identity token, instance and exit codes: as for \`signet sign --help\`; 1 also when the image's
digest read back does not match.

Examples:
  signet image sign registry.example.com/team/app:1.4.2
  signet image sign registry.example.com/team/app@sha256:4c1e... --recursive -a git-sha=$GITHUB_SHA
  signet image sign localhost:5000/app:dev --allow-http localhost:5000 --format bundle
`;

/** `signet image sign`; returns the exit code. */
export async function imageSign(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals, help } = parseCommand(
    argv,
    {
      ...commonOptions,
      ...imageSigningOptions,
      ...registryOptions,
      annotation: { type: 'string', short: 'a', multiple: true },
      recursive: { type: 'boolean' },
    },
    ['REF'],
  );
  if (help) {
    ctx.print(imageSignHelp.trimEnd());
    return 0;
  }
  if (values.bundle !== undefined)
    throw usageError('--bundle: image signatures go to the registry');
  const formats = parseFormats(values.format);
  const annotations = parseAnnotations(values.annotation ?? []);
  const client = registryClient(values, ctx);
  try {
    const image = await resolveImage(client, positionals[0]!, values);
    const targets = signingTargets(image, values.recursive === true);
    const run = await startSigningRun(values, formats, ctx);
    const signed: SignedTarget[] = [];
    for (const target of targets) {
      const platform = platformOf(target);
      ctx.status(`signing ${imageAt(image, target.digest)}${platform ? ` (${platform})` : ''}`);
      const result: SignedTarget = { digest: target.digest, ...(platform && { platform }) };
      if (formats.bundle) {
        const statement = imageSignatureStatement(target.digest, annotations);
        const bundle = await signStatement(statement, run.bundle);
        const referrer = await publishBundle(client, image.signatures, bundle, target);
        result.bundle = { referrer: referrer.digest, bundle };
        ctx.status(`  bundle referrer ${referrer.digest}`);
      }
      if (formats.legacy) {
        const payload = simpleSigningPayload(image.repository, target.digest, annotations);
        const bundle = await signPayload(payload, run.legacy('messageSignature'));
        const layer = legacySignatureLayer(bundle, payload, run.chain(bundle));
        const tag = legacyTag(target.digest, 'sig');
        await publishLegacyLayer(client, image.signatures, tag, layer);
        result.legacy = { tag, layer: layer.descriptor.digest, bundle };
        ctx.status(`  ${tag} layer ${layer.descriptor.digest}`);
      }
      signed.push(result);
    }
    return signedSummary(image, signed, run, values.json === true, ctx);
  } finally {
    client.close();
  }
}

/** `-a KEY=VALUE` flags as a map; a usage error for one without `=` or a repeated key. */
export function parseAnnotations(flags: readonly string[]): Record<string, string> {
  const annotations: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw usageError(`-a ${JSON.stringify(flag)}: expected KEY=VALUE`);
    const key = flag.slice(0, eq);
    if (key in annotations) throw usageError(`-a ${key}: given twice`);
    annotations[key] = flag.slice(eq + 1);
  }
  return annotations;
}
