/* The registry client (apps/cli/src/image/registry) against real components: Debian's
   docker-registry 2.8 (no referrers API, ignores If-Match), open and behind htpasswd, with fixture
   images pushed by skopeo; loopback servers where a registry must misbehave (altered bodies,
   redirects). */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { join } from 'node:path';
import { CliError, ExitCode } from '../apps/cli/src/cli/exit-codes';
import { RegistryClient, type RegistryOptions } from '../apps/cli/src/image/registry/client';
import { digestOf } from '../apps/cli/src/image/registry/digest';
import {
  DOCKER_MANIFEST,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_MANIFEST,
} from '../apps/cli/src/image/registry/media-types';
import { parseImageReference } from '../apps/cli/src/image/registry/reference';
import type { OciFixture } from './support/oci-layout';
import { type TestRegistry, inspectRaw, pushFixture, startRegistry } from './support/registry';
import { makeTempDir, removeTempDir } from './support/temp-dir';

const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const USER = { username: 'ci-bot', password: 'pw-Sup3r-s3cret' };

/** A loopback HTTP server answering with `handler`; `close()` stops it. */
async function loopback(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ host: string; close: () => Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    host: `127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Forwards to `target`, passing bodies through `alter` (headers kept, length fixed up). */
function tamperingProxy(target: string, alter: (path: string, body: Buffer) => Buffer) {
  return loopback((req, res) => {
    void (async () => {
      const upstream = await fetch(`http://${target}${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
      });
      const body = alter(req.url ?? '', Buffer.from(await upstream.arrayBuffer()));
      const headers = Object.fromEntries(upstream.headers);
      delete headers['content-length'];
      res.writeHead(upstream.status, headers).end(body);
    })();
  });
}

async function rejection(promise: Promise<unknown>): Promise<CliError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CliError);
  return err as CliError;
}

describe('registry client against docker-registry 2.8 and skopeo (Debian)', () => {
  let open: TestRegistry;
  let locked: TestRegistry;
  let image: OciFixture;
  let index: OciFixture;
  let home: string;
  const clients: RegistryClient[] = [];
  const client = (options: Partial<RegistryOptions> = {}) => {
    const made = new RegistryClient({
      allowHttp: [open.host, locked.host],
      env: { HOME: home, PATH: process.env.PATH },
      ...options,
    });
    clients.push(made);
    return made;
  };
  const ref = (registry: TestRegistry | string, rest: string) =>
    parseImageReference(`${typeof registry === 'string' ? registry : registry.host}/${rest}`);

  beforeAll(async () => {
    home = makeTempDir('registry-home');
    [open, locked] = await Promise.all([startRegistry(), startRegistry({ credentials: USER })]);
    [image, index] = await Promise.all([
      pushFixture(open, 'image', 'team/app', 'v1'),
      pushFixture(open, 'index', 'team/app', 'multi'),
      pushFixture(locked, 'image', 'team/app', 'v1'),
    ]);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all([open?.stop(), locked?.stop()]);
    removeTempDir(home);
  });

  describe('manifests, blobs and tags', () => {
    it('resolves a tag to the digest skopeo pushed, for an image and for an index', async () => {
      const c = client();
      const single = await c.resolve(ref(open, 'team/app:v1'));
      expect(single.descriptor).toEqual({
        mediaType: OCI_MANIFEST,
        digest: image.digest,
        size: image.size,
      });
      const multi = await c.resolve(ref(open, 'team/app:multi'));
      expect(multi.descriptor).toEqual({
        mediaType: OCI_INDEX,
        digest: index.digest,
        size: index.size,
      });
      expect(multi.json.manifests).toEqual(
        index.platforms.map((p): unknown =>
          expect.objectContaining({
            digest: p.digest,
            platform: { os: p.os, architecture: p.architecture },
          }),
        ),
      );
      // By digest, the same bytes; a platform manifest and its blobs, digest-checked.
      expect((await c.resolve(ref(open, `team/app@${index.digest}`))).bytes).toEqual(multi.bytes);
      const arm = await c.getManifest(ref(open, 'team/app'), index.platforms[1]!.digest);
      const config = arm!.json.config as { digest: string };
      const blob = await c.getBlob(ref(open, 'team/app'), config.digest, 4096);
      expect(JSON.parse(blob.toString())).toMatchObject({ architecture: 'arm64', os: 'linux' });
      expect((await c.listTags(ref(open, 'team/app'))).sort()).toEqual(['multi', 'v1']);
    });

    it('sends the OCI types in Accept: without them distribution answers MANIFEST_UNKNOWN for a manifest that exists', async () => {
      const res = await fetch(`${open.url}/v2/team/app/manifests/v1`, {
        headers: { accept: DOCKER_MANIFEST },
      });
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('MANIFEST_UNKNOWN');
      expect(await client().getManifest(ref(open, 'team/app'), 'v1')).toBeDefined();
      // Absence is still absence: an unknown tag, an unknown repository.
      expect(await client().getManifest(ref(open, 'team/app'), 'nope')).toBeUndefined();
      expect(await client().getManifest(ref(open, 'team/none'), 'v1')).toBeUndefined();
      const missing = await rejection(client().resolve(ref(open, 'team/app:nope')));
      expect(missing.message).toBe(`image ${open.host}/team/app:nope not found`);
    });

    it('pushes blobs (skipping known ones) and manifests, and reads them back', async () => {
      const c = client();
      const target = ref(open, 'team/pushed');
      const config = await c.putBlob(target, Buffer.from('{}'));
      expect(config.digest).toBe(digestOf(Buffer.from('{}')));
      expect(await c.putBlob(target, Buffer.from('{}'))).toEqual(config);
      const bytes = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          config: { ...config, mediaType: OCI_EMPTY },
          layers: [],
        }),
      );
      const stored = await c.putManifest(target, 'latest', bytes, OCI_MANIFEST);
      expect(stored).toEqual({
        mediaType: OCI_MANIFEST,
        digest: digestOf(bytes),
        size: bytes.length,
      });
      expect((await c.resolve(target)).bytes).toEqual(bytes);
    });

    it('detects a manifest or blob whose bytes do not match their digest', async () => {
      const proxy = await tamperingProxy(open.host, (path, body) =>
        /\/(manifests|blobs)\//.test(path) && body.length > 0
          ? Buffer.concat([body.subarray(0, -1), Buffer.from(body.at(-1) === 0x7d ? ' }' : 'x')])
          : body,
      );
      try {
        const c = client({ allowHttp: [proxy.host] });
        const manifest = await client().getManifest(ref(open, 'team/app'), image.digest);
        const layer = (manifest!.json.layers as { digest: string }[])[0]!.digest;
        const viaProxy = ref(proxy.host, 'team/app');
        for (const reading of [
          () => c.getManifest(viaProxy, image.digest), // digest asked for
          () => c.getManifest(viaProxy, 'v1'), // Docker-Content-Digest of a tag
          () => c.getBlob(viaProxy, layer, 4096),
        ]) {
          const err = await rejection(reading());
          expect(err.exitCode).toBe(ExitCode.verificationFailed);
          expect(err.code).toBe('REGISTRY_DIGEST_MISMATCH');
          expect(err.message).toMatch(
            /the registry sent content whose digest is sha256:[0-9a-f]{64}$/,
          );
        }
      } finally {
        await proxy.close();
      }
    });

    it('refuses plain http to a host the user did not name, and caps what it reads', async () => {
      const https = await rejection(client({ allowHttp: [] }).resolve(ref(open, 'team/app:v1')));
      expect(https.exitCode).toBe(ExitCode.unavailable);
      expect(https.message).toContain(`allow plain http with --allow-http ${open.host}`);
      const small = await rejection(
        client({ limits: { manifestBytes: 100 } }).resolve(ref(open, 'team/app:multi')),
      );
      expect(small.message).toBe(
        `registry ${open.host}: GET /v2/team/app/manifests/multi answered more than 100 bytes`,
      );
    });
  });

  describe('credentials', () => {
    const dockerConfig = (name: string, config: unknown) => {
      const dir = join(home, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
      return dir;
    };
    const basic = (u: string, p: string) => Buffer.from(`${u}:${p}`).toString('base64');

    it('reads auths from $DOCKER_CONFIG/config.json (Basic against htpasswd)', async () => {
      const dir = dockerConfig('auths', {
        auths: { [locked.host]: { auth: basic(USER.username, USER.password) } },
      });
      const c = client({ env: { HOME: home, DOCKER_CONFIG: dir } });
      expect((await c.resolve(ref(locked, 'team/app:v1'))).descriptor.digest).toBe(image.digest);
      await c.putBlob(ref(locked, 'team/app'), Buffer.from('pushed with Basic'));
    });

    it('asks a credential helper (credHelpers[host], docker-credential-test on PATH)', async () => {
      const bin = join(home, 'bin');
      mkdirSync(bin, { recursive: true });
      writeFileSync(
        join(bin, 'docker-credential-test'),
        `#!/bin/sh\nread host\n[ "$1" = get ] && [ "$host" = "${locked.host}" ] || { echo "credentials not found"; exit 1; }\n` +
          `echo '{"ServerURL":"'$host'","Username":"${USER.username}","Secret":"${USER.password}"}'\n`,
      );
      chmodSync(join(bin, 'docker-credential-test'), 0o755);
      const dir = dockerConfig('helper', { credHelpers: { [locked.host]: 'test' } });
      const c = client({
        dockerConfig: join(dir, 'config.json'),
        env: { HOME: home, PATH: `${bin}:${process.env.PATH}` },
      });
      expect((await c.resolve(ref(locked, 'team/app:v1'))).descriptor.digest).toBe(image.digest);
    });

    it('says clearly when credentials are refused or missing, never printing them', async () => {
      const dir = dockerConfig('wrong', {
        auths: { [locked.host]: { auth: basic(USER.username, 'not-the-password') } },
      });
      const wrong = await rejection(
        client({ env: { HOME: home, DOCKER_CONFIG: dir } }).resolve(ref(locked, 'team/app:v1')),
      );
      expect(wrong.message).toBe(
        `registry ${locked.host} refused the credentials from ${join(dir, 'config.json')} (auths "${locked.host}")`,
      );
      expect(wrong.message).not.toContain('not-the-password');
      expect(wrong.code).toBe('REGISTRY_UNAUTHORIZED');
      const none = await rejection(client().resolve(ref(locked, 'team/app:v1')));
      expect(none.message).toBe(
        `registry ${locked.host} requires credentials and none are configured for it (looked in ${join(home, '.docker', 'config.json')}; run docker login ${locked.host}, or configure a credential helper)`,
      );
    });

    it('sends no credentials on a redirect to another origin, and follows none to plain http not allowed', async () => {
      const seen: (string | undefined)[] = [];
      const blob = Buffer.from('blob behind a redirect');
      const store = await loopback((req, res) => {
        seen.push(req.headers.authorization);
        res.end(blob);
      });
      const elsewhere = await loopback((_req, res) => res.end(blob));
      const registry = await loopback((req, res) => {
        if (req.headers.authorization !== `Basic ${basic('u', 'p')}`) {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
          return;
        }
        const to = req.url!.includes('elsewhere') ? elsewhere.host : store.host;
        res.writeHead(307, { location: `http://${to}/storage/blob` }).end();
      });
      try {
        const dir = dockerConfig('redirect', {
          auths: { [registry.host]: { auth: basic('u', 'p') } },
        });
        const env = { HOME: home, DOCKER_CONFIG: dir };
        const c = client({ allowHttp: [registry.host, store.host], env });
        expect(await c.getBlob(ref(registry.host, 'team/app'), digestOf(blob), 1024)).toEqual(blob);
        expect(seen).toEqual([undefined]);
        const refused = await rejection(
          c.getBlob(ref(registry.host, 'team/elsewhere'), digestOf(blob), 1024),
        );
        expect(refused.message).toContain(`refusing plain http to ${elsewhere.host}`);
      } finally {
        await Promise.all([store.close(), elsewhere.close(), registry.close()]);
      }
    });
  });
  describe('referrers on a registry without the referrers API (the fallback tag)', () => {
    /** A referrer manifest (as cosign v3 and @sigstore/oci write one) for `subject`, its blobs pushed. */
    async function referrer(c: RegistryClient, subject: OciFixture, content: string) {
      const repo = ref(open, 'team/app');
      const empty = await c.putBlob(repo, Buffer.from('{}'));
      const layer = await c.putBlob(repo, Buffer.from(content));
      return Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          artifactType: BUNDLE,
          config: { ...empty, mediaType: OCI_EMPTY },
          layers: [{ ...layer, mediaType: BUNDLE }],
          subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
          annotations: {
            'dev.sigstore.bundle.content': 'dsse-envelope',
            'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1',
            'org.opencontainers.image.created': '2026-12-02T00:00:00Z',
            note: content,
          },
        }),
      );
    }
    const fallbackTag = (digest: string) => digest.replace(':', '-');

    it('has no referrers API, so the referrer goes into the fallback tag as a spec-correct descriptor skopeo reads', async () => {
      const api = await fetch(`${open.url}/v2/team/app/referrers/${image.digest}`);
      expect(api.status).toBe(404);
      const c = client();
      const repo = ref(open, 'team/app');
      expect(await c.referrers(repo, image.digest)).toEqual([]);
      const bytes = await referrer(c, image, 'first');
      const stored = await c.pushReferrer(repo, bytes, OCI_MANIFEST);
      expect(stored).toEqual({
        mediaType: OCI_MANIFEST,
        digest: digestOf(bytes),
        size: bytes.length,
      });
      const listed = {
        ...stored,
        artifactType: BUNDLE,
        annotations: (JSON.parse(bytes.toString()) as { annotations: Record<string, string> })
          .annotations,
      };
      expect(await c.referrers(repo, image.digest)).toEqual([listed]);
      // skopeo (containers/image) parses the fallback tag as an OCI index.
      const raw = JSON.parse(
        await inspectRaw(open, `team/app:${fallbackTag(image.digest)}`),
      ) as unknown;
      expect(raw).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [listed] });
      // Pushing the same referrer again does not list it twice.
      await c.pushReferrer(repo, bytes, OCI_MANIFEST);
      expect(await c.referrers(repo, image.digest)).toEqual([listed]);
    });

    it('keeps every entry when writers update one fallback tag at once (distribution ignores If-Match)', async () => {
      // With one attempt and no pause (fallbackAttempts 1, fallbackSettleMs 0) this loses entries.
      const repo = ref(open, 'team/app');
      const writers = [client(), client(), client(), client()];
      const bytes = await Promise.all(writers.map((w, n) => referrer(w, index, `writer ${n}`)));
      const stored = await Promise.all(
        writers.map((w, n) => w.pushReferrer(repo, bytes[n]!, OCI_MANIFEST)),
      );
      const listed = await client().referrers(repo, index.digest);
      expect(listed.map((d) => d.digest).sort()).toEqual(stored.map((d) => d.digest).sort());
    });

    it('keeps and returns a go-containerregistry entry (empty artifact type, no annotations) when it appends', async () => {
      const c = client();
      const repo = ref(open, 'team/app');
      const subject = await pushFixture(open, 'image', 'team/app', 'v2', 'another image');
      const theirs = await c.putManifest(
        repo,
        digestOf(await referrer(c, subject, 'theirs')),
        await referrer(c, subject, 'theirs'),
        OCI_MANIFEST,
      );
      // What ggcr before v0.22.1 wrote: artifactType = the config's media type, no annotations.
      const ggcr = {
        mediaType: OCI_MANIFEST,
        digest: theirs.digest,
        size: theirs.size,
        artifactType: OCI_EMPTY,
      };
      const existing = Buffer.from(
        JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [ggcr] }),
      );
      await c.putManifest(repo, fallbackTag(subject.digest), existing, OCI_INDEX);
      expect(await c.referrers(repo, subject.digest)).toEqual([ggcr]);
      const ours = await c.pushReferrer(repo, await referrer(c, subject, 'ours'), OCI_MANIFEST);
      const listed = await c.referrers(repo, subject.digest);
      expect(listed).toEqual([
        ggcr,
        expect.objectContaining({ digest: ours.digest, artifactType: BUNDLE }),
      ]);
    });
  });
});
