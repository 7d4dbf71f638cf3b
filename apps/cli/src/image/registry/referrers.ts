/* Referrers (OCI distribution-spec v1.1 "Listing Referrers", "Referrers Tag Schema"): the API when
   `GET /v2/<repo>/referrers/<digest>` answers 200 with an OCI index, else the fallback tag
   `sha256-<hex>`, which clients maintain themselves. Registries without the API may also ignore
   If-Match (distribution 2.8 does), so two writers can each overwrite the other's entry: after
   each write we wait a little, re-read, and write again while our entry is missing. */
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, ExitCode, usageError } from '../../cli/exit-codes';
import type { RegistryClient } from './client';
import { digestOf, referrersTag } from './digest';
import { OCI_INDEX } from './media-types';
import { type ImageReference, isDigest } from './reference';
import {
  type Descriptor,
  indexDescriptors,
  mergeReferrersIndex,
  referrerDescriptor,
} from './referrers-index';
import { headerValue, nextPage } from './session';

/** Referrers of `subject` in `ref`'s repository (API, else the fallback tag; [] when none). */
export async function listReferrers(
  client: RegistryClient,
  ref: ImageReference,
  subject: string,
): Promise<Descriptor[]> {
  if (!isDigest(subject)) throw usageError(`"${subject}" is not a digest`);
  const viaApi = await referrersApi(client, ref, subject);
  if (viaApi !== undefined) return viaApi;
  const tag = referrersTag(subject);
  const index = await client.getManifest(ref, tag);
  if (index === undefined) return [];
  return readIndex(ref, tag, index.descriptor.mediaType, index.json, client.limits.referrers);
}

/**
 * Pushes a manifest with a `subject` by digest and lists it among the subject's referrers
 * (nothing more to do where the registry has the referrers API).
 */
export async function recordReferrer(
  client: RegistryClient,
  ref: ImageReference,
  bytes: Buffer,
  mediaType: string,
): Promise<Descriptor> {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new CliError(ExitCode.usage, 'a referrer manifest must be JSON', { cause: err });
  }
  const subject = (json.subject as { digest?: unknown } | undefined)?.digest;
  if (typeof subject !== 'string' || !isDigest(subject)) {
    throw usageError('a referrer manifest needs a subject descriptor with a digest');
  }
  const stored = await client.putManifest(ref, digestOf(bytes), bytes, mediaType);
  if ((await referrersApi(client, ref, subject)) !== undefined) return stored;
  await appendToFallbackTag(client, ref, subject, referrerDescriptor(json, stored));
  return stored;
}

/** The referrers the API lists, or undefined when the registry has no such API. */
async function referrersApi(
  client: RegistryClient,
  ref: ImageReference,
  subject: string,
): Promise<Descriptor[] | undefined> {
  const descriptors: Descriptor[] = [];
  let url: string | undefined = client.session.url(ref, `referrers/${subject}`);
  for (let page = 0; url !== undefined; page++) {
    if (page === client.limits.pages) {
      throw new CliError(
        ExitCode.error,
        `referrers of ${subject}: more than ${client.limits.pages} pages`,
      );
    }
    const req = {
      method: 'GET' as const,
      url,
      headers: { accept: OCI_INDEX },
      maxBytes: client.limits.manifestBytes,
    };
    const answer = await client.session.call(ref, 'pull', req);
    const type = headerValue(answer, 'content-type')?.split(';')[0]?.trim();
    // 404 (no such route), 400, 406 or anything but an index: the registry has no referrers API.
    if (answer.status !== 200 || type !== OCI_INDEX) {
      if (page === 0) return undefined;
      throw client.session.unexpected(ref, req, answer);
    }
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new CliError(
        ExitCode.error,
        `referrers of ${subject}: the registry's index is not JSON`,
        { cause: err },
      );
    }
    const left = client.limits.referrers - descriptors.length;
    descriptors.push(...readIndex(ref, `referrers/${subject}`, OCI_INDEX, json, left));
    url = nextPage(answer.url, headerValue(answer, 'link'));
  }
  return descriptors;
}

function readIndex(
  ref: ImageReference,
  where: string,
  mediaType: string,
  json: Record<string, unknown>,
  max: number,
): Descriptor[] {
  if (mediaType !== OCI_INDEX) {
    throw new CliError(
      ExitCode.error,
      `${ref.registry}/${ref.repository}:${where} holds a ${mediaType}, not an OCI index`,
    );
  }
  try {
    return indexDescriptors(json, max);
  } catch (err) {
    throw new CliError(
      ExitCode.error,
      `${ref.registry}/${ref.repository}:${where} ${(err as Error).message}`,
    );
  }
}

/** Appends `descriptor` to the fallback tag of `subject` until a re-read after a pause shows it. */
async function appendToFallbackTag(
  client: RegistryClient,
  ref: ImageReference,
  subject: string,
  descriptor: Descriptor,
): Promise<void> {
  const tag = referrersTag(subject);
  const { fallbackAttempts, fallbackSettleMs } = client.limits;
  for (let attempt = 1; attempt <= fallbackAttempts; attempt++) {
    const { manifest, etag } = await client.fetchManifest(ref, tag);
    if (manifest !== undefined)
      readIndex(ref, tag, manifest.descriptor.mediaType, manifest.json, Infinity);
    const merged = mergeReferrersIndex(manifest?.json, descriptor);
    if (merged !== undefined) {
      const bytes = Buffer.from(JSON.stringify(merged));
      const stored = await client.putManifestIf(ref, tag, bytes, OCI_INDEX, etag);
      if (stored === 'precondition failed') {
        await sleep(jitter(fallbackSettleMs));
        continue;
      }
    }
    // A writer that read the tag before our PUT may still overwrite it: give it time to, then look.
    await sleep(fallbackSettleMs + jitter(fallbackSettleMs));
    const check = await client.getManifest(ref, tag);
    const listed = check?.json.manifests;
    if (
      Array.isArray(listed) &&
      listed.some((m) => (m as { digest?: unknown }).digest === descriptor.digest)
    ) {
      return;
    }
  }
  throw new CliError(
    ExitCode.unavailable,
    `${ref.registry}/${ref.repository}:${tag}: concurrent writers removed our referrer ${descriptor.digest} ${fallbackAttempts} times; try again`,
  );
}

const jitter = (ms: number): number => Math.floor(Math.random() * ms);
