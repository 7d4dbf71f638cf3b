/* What `signet image sign` and `attest` report: each digest signed on stdout (or one JSON
   object), the certificate and log entries on stderr. */
import type { Bundle } from '@sigstore/bundle';
import { tlogEntrySummaries, type TlogEntrySummary } from '../cli/certificate';
import type { CliContext } from '../cli/context';
import { imageAt, type ResolvedImage, repositoryName } from './image-registry';
import type { SigningRun } from './image-signing-run';

/** What was written for one digest. */
export interface SignedTarget {
  digest: string;
  platform?: string;
  bundle?: { referrer: string; bundle: Bundle };
  legacy?: { tag: string; layer: string; bundle: Bundle };
}

/** Reports the run; returns exit code 0. */
export function signedSummary(
  image: ResolvedImage,
  signed: SignedTarget[],
  run: SigningRun,
  json: boolean,
  ctx: CliContext,
  predicateType?: string,
): number {
  const first = signed[0]?.bundle?.bundle ?? signed[0]?.legacy?.bundle;
  const identity = first === undefined ? undefined : run.identity(first);
  if (identity !== undefined) {
    ctx.status(
      `certificate issued to ${identity.subjectAlternativeName ?? '?'} (issuer ${identity.issuer ?? '?'})`,
    );
  }
  const entries = (bundle: Bundle | undefined): TlogEntrySummary[] =>
    bundle === undefined ? [] : tlogEntrySummaries(bundle);
  for (const target of signed) {
    const legacy = target.legacy?.bundle === target.bundle?.bundle ? undefined : target.legacy;
    for (const e of [...entries(target.bundle?.bundle), ...entries(legacy?.bundle)]) {
      ctx.status(`logged at index ${e.logIndex} (${e.integratedTime})`);
    }
  }
  if (!json) {
    for (const target of signed) ctx.print(imageAt(image, target.digest));
    return 0;
  }
  ctx.print(
    JSON.stringify({
      image: repositoryName(image.ref),
      ...(image.ref.tag !== undefined && { tag: image.ref.tag }),
      digest: image.manifest.descriptor.digest,
      mediaType: image.manifest.descriptor.mediaType,
      signatureRepository: repositoryName(image.signatures),
      ...(predicateType !== undefined && { predicateType }),
      identity,
      signed: signed.map((t) => ({
        digest: t.digest,
        ...(t.platform !== undefined && { platform: t.platform }),
        ...(t.bundle !== undefined && {
          bundle: { referrer: t.bundle.referrer, tlogEntries: entries(t.bundle.bundle) },
        }),
        ...(t.legacy !== undefined && {
          legacy: {
            tag: t.legacy.tag,
            layer: t.legacy.layer,
            tlogEntries: entries(t.legacy.bundle),
          },
        }),
      })),
    }),
  );
  return 0;
}
