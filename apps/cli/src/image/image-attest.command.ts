/* `signet image attest REF --predicate F --type T`: an in-toto statement about the image's
   digest, signed as DSSE and stored as a bundle referrer (cosign v3) and an `.att` layer
   (cosign v2), both by default. */
import type { CliContext } from '../cli/context';
import { usageError } from '../cli/exit-codes';
import { readJsonInput } from '../cli/files';
import { commonOptions, parseCommand } from '../cli/options';
import { PREDICATE_TYPES, predicateTypeOf } from '../sign/statement';
import { signStatement } from './formats/image-signing';
import { legacyAttestationLayer } from './formats/legacy-layer';
import { imageAttestationStatement } from './formats/statement';
import { legacyTag } from './formats/tags';
import { publishBundle, publishLegacyLayer } from './image-publish';
import {
  imageAt,
  platformOf,
  registryClient,
  registryHelp,
  registryOptions,
  resolveImage,
  signingTargets,
} from './image-registry';
import { type SignedTarget, signedSummary } from './image-signed';
import { imageSigningOptions, parseFormats, startSigningRun } from './image-signing-run';

export const imageAttestHelp = `signet image attest: attest to a container image by digest, in its registry

Usage:
  signet image attest REF --predicate PREDICATE.json --type TYPE [--format bundle|legacy|both]
                      [--recursive] [--signature-repo REGISTRY/REPO] [--allow-http HOST]...
                      [--ca-file PEM] [--docker-config FILE] [--identity-token TOKEN]
                      [--ca-url URL] [--log-url URL] [--trusted-root T] [--json]

Resolves REF to its digest, wraps the predicate (a JSON file) in an in-toto Statement v1 whose
subject is the image (name = registry/repository, digest = the manifest's sha256), signs it as
a DSSE envelope and stores it: as a bundle v0.3 referrer annotated with the predicate type
(cosign v3) and as a layer of sha256-<hex>.att (cosign v2), both by default. TYPE is a URI or
one of:
${Object.entries(PREDICATE_TYPES)
  .map(([name, uri]) => `  ${name.padEnd(15)} ${uri}`)
  .join('\n')}
When the instance signs into a Rekor v1 log, one signed envelope (one log entry) serves both
formats. Prints each digest attested on stdout.

${registryHelp}

Identity token, instance and exit codes: as for \`signet sign --help\`.

Examples:
  signet image attest registry.example.com/team/app:1.4.2 --predicate provenance.json --type slsaprovenance
  signet image attest registry.example.com/team/app@sha256:4c1e... --predicate sbom.spdx.json --type spdxjson
`;

/** `signet image attest`; returns the exit code. */
export async function imageAttest(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals, help } = parseCommand(
    argv,
    {
      ...commonOptions,
      ...imageSigningOptions,
      ...registryOptions,
      predicate: { type: 'string' },
      type: { type: 'string' },
      recursive: { type: 'boolean' },
    },
    ['REF'],
  );
  if (help) {
    ctx.print(imageAttestHelp.trimEnd());
    return 0;
  }
  if (values.predicate === undefined) throw usageError('--predicate FILE is required');
  if (values.type === undefined) throw usageError('--type TYPE is required');
  if (values.bundle !== undefined) throw usageError('--bundle: attestations go to the registry');
  const predicateType = predicateTypeOf(values.type);
  const predicate = await readJsonInput(values.predicate, 'predicate');
  const formats = parseFormats(values.format);
  const client = registryClient(values, ctx);
  try {
    const image = await resolveImage(client, positionals[0]!, values);
    const run = await startSigningRun(values, formats, ctx);
    const signed: SignedTarget[] = [];
    for (const target of signingTargets(image, values.recursive === true)) {
      const platform = platformOf(target);
      ctx.status(`attesting ${predicateType} about ${imageAt(image, target.digest)}`);
      const result: SignedTarget = { digest: target.digest, ...(platform && { platform }) };
      const statement = imageAttestationStatement(
        target.digest,
        image.repository,
        predicateType,
        predicate,
      );
      const bundle = formats.bundle ? await signStatement(statement, run.bundle) : undefined;
      if (bundle !== undefined) {
        const referrer = await publishBundle(client, image.signatures, bundle, target);
        result.bundle = { referrer: referrer.digest, bundle };
        ctx.status(`  bundle referrer ${referrer.digest}`);
      }
      if (formats.legacy) {
        const legacy =
          bundle !== undefined && run.oneDsseForBoth
            ? bundle
            : await signStatement(statement, run.legacy('dsse'));
        const layer = legacyAttestationLayer(legacy, run.chain(legacy));
        const tag = legacyTag(target.digest, 'att');
        await publishLegacyLayer(client, image.signatures, tag, layer);
        result.legacy = { tag, layer: layer.descriptor.digest, bundle: legacy };
        ctx.status(`  ${tag} layer ${layer.descriptor.digest}`);
      }
      signed.push(result);
    }
    return signedSummary(image, signed, run, values.json === true, ctx, predicateType);
  } finally {
    client.close();
  }
}
