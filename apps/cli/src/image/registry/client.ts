/* The OCI distribution client (opencontainers/distribution-spec v1.1 `spec.md`): manifests with
   the full Accept list and a digest check on every read, blobs by monolithic upload, tags with
   Link pagination, and referrers (referrers.ts). Every read is capped in size and count. */
import { CliError, ExitCode, usageError, verificationFailed } from '../../cli/exit-codes';
import { digestOf } from './digest';
import { MANIFEST_ACCEPT, MANIFEST_TYPES } from './media-types';
import { type ImageReference, formatImageReference, isDigest } from './reference';
import type { Descriptor } from './referrers-index';
import { listReferrers, recordReferrer } from './referrers';
import { DEFAULT_LIMITS, type RegistryLimits, type RegistryOptions } from './options';
import { RegistrySession, errorCodes, headerValue, nextPage } from './session';

export type { Descriptor } from './referrers-index';
export { DEFAULT_LIMITS, type RegistryLimits, type RegistryOptions } from './options';

/** A manifest or index as stored: its descriptor, its exact bytes and their JSON. */
export interface Manifest {
  descriptor: Descriptor;
  bytes: Buffer;
  json: Record<string, unknown>;
}

/** A registry client for one command run. */
export class RegistryClient {
  /** @internal shared with referrers.ts */
  readonly session: RegistrySession;
  readonly limits: RegistryLimits;

  constructor(options: RegistryOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.session = new RegistrySession({ ...options, timeoutMs: this.limits.timeoutMs });
  }

  /**
   * The manifest or index at `reference` (a tag or a digest), fetched with every manifest type in
   * Accept, its digest checked against the digest asked for and the Docker-Content-Digest header
   * (exit 1 on a mismatch). Undefined when the registry has no such manifest or repository.
   */
  async getManifest(ref: ImageReference, reference: string): Promise<Manifest | undefined> {
    return (await this.fetchManifest(ref, reference)).manifest;
  }

  /** {@link getManifest} with the ETag the registry sent, for a conditional PUT. */
  async fetchManifest(
    ref: ImageReference,
    reference: string,
  ): Promise<{ manifest?: Manifest; etag?: string }> {
    const req = {
      method: 'GET' as const,
      path: `manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
      maxBytes: this.limits.manifestBytes,
    };
    const answer = await this.session.call(ref, 'pull', req);
    if (answer.status === 404) {
      const codes = errorCodes(answer);
      if (codes.length === 0 || codes.some((c) => c === 'MANIFEST_UNKNOWN' || c === 'NAME_UNKNOWN'))
        return {};
    }
    if (answer.status !== 200) throw this.session.unexpected(ref, req, answer);
    const where = `${formatImageReference({ ...ref, tag: undefined, digest: undefined })}:${reference}`;
    const digest = digestOf(answer.body, isDigest(reference) ? reference : undefined);
    if (isDigest(reference) && digest !== reference) {
      throw digestMismatch(`manifest ${where}`, digest);
    }
    const declared = headerValue(answer, 'docker-content-digest');
    if (declared !== undefined && digestOf(answer.body, declared) !== declared) {
      throw digestMismatch(
        `manifest ${where} (Docker-Content-Digest ${declared})`,
        digestOf(answer.body, declared),
      );
    }
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
      if (typeof json !== 'object' || json === null || Array.isArray(json))
        throw new Error('not an object');
    } catch (err) {
      throw new CliError(ExitCode.error, `manifest ${where} is not a JSON object`, { cause: err });
    }
    const contentType = headerValue(answer, 'content-type')?.split(';')[0]?.trim();
    const mediaType = typeof json.mediaType === 'string' ? json.mediaType : contentType;
    if (mediaType === undefined || !MANIFEST_TYPES.includes(mediaType)) {
      throw new CliError(
        ExitCode.error,
        `manifest ${where} has media type ${mediaType ?? '(none)'}, which this client does not read`,
      );
    }
    const etag = headerValue(answer, 'etag');
    return {
      manifest: {
        descriptor: { mediaType, digest, size: answer.body.length },
        bytes: answer.body,
        json,
      },
      ...(etag !== undefined && { etag }),
    };
  }

  /** The manifest `ref` names (its digest, else its tag, else `latest`). Exit 2 when absent. */
  async resolve(ref: ImageReference): Promise<Manifest> {
    const reference = ref.digest ?? ref.tag ?? 'latest';
    const manifest = await this.getManifest(ref, reference);
    if (manifest === undefined) {
      throw new CliError(ExitCode.error, `image ${formatImageReference(ref)} not found`, {
        code: 'IMAGE_NOT_FOUND',
      });
    }
    return manifest;
  }

  /** Stores `bytes` at `reference` (a tag, or their digest); returns their descriptor. */
  async putManifest(
    ref: ImageReference,
    reference: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<Descriptor> {
    const digest = digestOf(bytes);
    if (isDigest(reference) && reference !== digest) {
      throw usageError(`manifest bytes have digest ${digest}, not ${reference}`);
    }
    const stored = await this.putManifestIf(ref, reference, bytes, mediaType, undefined);
    if (stored === 'precondition failed') {
      throw new CliError(
        ExitCode.error,
        `registry ${ref.registry} answered 412 to a PUT without If-Match`,
      );
    }
    return stored;
  }

  /** {@link putManifest} with `If-Match: etag` when given; 'precondition failed' on a 412. */
  async putManifestIf(
    ref: ImageReference,
    reference: string,
    bytes: Buffer,
    mediaType: string,
    etag: string | undefined,
  ): Promise<Descriptor | 'precondition failed'> {
    const req = {
      method: 'PUT' as const,
      path: `manifests/${reference}`,
      headers: { 'content-type': mediaType, ...(etag !== undefined && { 'if-match': etag }) },
      body: bytes,
      maxBytes: 64 * 1024,
    };
    const answer = await this.session.call(ref, 'pull,push', req);
    if (answer.status === 412) return 'precondition failed';
    if (answer.status !== 201 && answer.status !== 200)
      throw this.session.unexpected(ref, req, answer);
    const digest = digestOf(bytes);
    const declared = headerValue(answer, 'docker-content-digest');
    if (declared !== undefined && declared !== digestOf(bytes, declared)) {
      throw digestMismatch(`stored manifest ${ref.repository}:${reference}`, declared);
    }
    return { mediaType, digest, size: bytes.length };
  }

  /** The blob `digest`, at most `maxBytes`, checked against its digest (exit 1 on a mismatch). */
  async getBlob(ref: ImageReference, digest: string, maxBytes: number): Promise<Buffer> {
    if (!isDigest(digest)) throw usageError(`"${digest}" is not a digest`);
    const req = { method: 'GET' as const, path: `blobs/${digest}`, maxBytes };
    const answer = await this.session.call(ref, 'pull', req);
    if (answer.status === 404) {
      throw new CliError(
        ExitCode.error,
        `blob ${digest} not found in ${ref.registry}/${ref.repository}`,
      );
    }
    if (answer.status !== 200) throw this.session.unexpected(ref, req, answer);
    const actual = digestOf(answer.body, digest);
    if (actual !== digest) throw digestMismatch(`blob ${digest}`, actual);
    return answer.body;
  }

  /** Uploads `bytes` as a blob (one monolithic PUT), unless the registry already has it. */
  async putBlob(ref: ImageReference, bytes: Buffer): Promise<Descriptor> {
    const digest = digestOf(bytes);
    const descriptor = { mediaType: 'application/octet-stream', digest, size: bytes.length };
    const head = { method: 'HEAD' as const, path: `blobs/${digest}`, maxBytes: 0 };
    if ((await this.session.call(ref, 'pull,push', head)).status === 200) return descriptor;
    const start = { method: 'POST' as const, path: 'blobs/uploads/', maxBytes: 64 * 1024 };
    const started = await this.session.call(ref, 'pull,push', start);
    const location = headerValue(started, 'location');
    if (started.status !== 202 || location === undefined)
      throw this.session.unexpected(ref, start, started);
    const url = new URL(location, started.url);
    url.searchParams.set('digest', digest);
    const put = {
      method: 'PUT' as const,
      url: url.href,
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
      maxBytes: 64 * 1024,
    };
    const done = await this.session.call(ref, 'pull,push', put);
    if (done.status !== 201) throw this.session.unexpected(ref, put, done);
    return descriptor;
  }

  /** Every tag of the repository, following Link pagination (capped in pages and tags). */
  async listTags(ref: ImageReference): Promise<string[]> {
    const tags: string[] = [];
    let url: string | undefined = this.session.url(ref, 'tags/list?n=1000');
    for (let page = 0; url !== undefined; page++) {
      if (page === this.limits.pages) throw tooMany(ref, `pages of tags`, this.limits.pages);
      const req = { method: 'GET' as const, url, maxBytes: this.limits.manifestBytes };
      const answer = await this.session.call(ref, 'pull', req);
      if (answer.status === 404 && errorCodes(answer).includes('NAME_UNKNOWN')) return [];
      if (answer.status !== 200) throw this.session.unexpected(ref, req, answer);
      const body = JSON.parse(answer.body.toString('utf8')) as { tags?: unknown };
      for (const tag of Array.isArray(body.tags) ? body.tags : []) {
        if (typeof tag === 'string') tags.push(tag);
      }
      if (tags.length > this.limits.tags) throw tooMany(ref, 'tags', this.limits.tags);
      url = nextPage(answer.url, headerValue(answer, 'link'));
    }
    return tags;
  }

  /** Referrers of `subject`: the referrers API where the registry has it, else the fallback tag. */
  referrers(ref: ImageReference, subject: string): Promise<Descriptor[]> {
    return listReferrers(this, ref, subject);
  }

  /**
   * Pushes `manifestBytes` (a manifest with a `subject`) by digest, then lists it among its
   * subject's referrers: nothing more where the registry has the referrers API, else appended to
   * the fallback tag `sha256-<hex>` with re-read and retry. Returns the manifest's descriptor.
   */
  pushReferrer(ref: ImageReference, manifestBytes: Buffer, mediaType: string): Promise<Descriptor> {
    return recordReferrer(this, ref, manifestBytes, mediaType);
  }

  /** Closes idle connections. */
  close(): void {
    this.session.close();
  }
}

function digestMismatch(what: string, actual: string): CliError {
  return verificationFailed(
    `${what}: the registry sent content whose digest is ${actual}`,
    'REGISTRY_DIGEST_MISMATCH',
  );
}

function tooMany(ref: ImageReference, what: string, max: number): CliError {
  return new CliError(
    ExitCode.error,
    `${ref.registry}/${ref.repository}: more than ${max} ${what}`,
  );
}
