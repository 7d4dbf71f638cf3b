import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tempDirs } from '@app/testing/temp-dir';
import { recordingContext } from '../cli/testing';
import {
  fetchTrustedRoot,
  loadTrustedRoot,
  parseTrustedRoot,
  trustedRootCachePath,
} from './trusted-root';

// Enough for TrustedRoot.fromJSON; the keys are never used here.
const ROOT = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [
    {
      baseUrl: 'http://127.0.0.1:3000',
      hashAlgorithm: 'SHA2_256',
      publicKey: {
        rawBytes: 'AAAA',
        keyDetails: 'PKIX_ECDSA_P256_SHA_256',
        validFor: { start: '2026-01-01T00:00:00Z' },
      },
      logId: { keyId: 'AAAA' },
    },
  ],
  certificateAuthorities: [
    {
      uri: 'http://127.0.0.1:5555',
      certChain: { certificates: [{ rawBytes: 'AAAA' }] },
      validFor: { start: '2026-01-01T00:00:00Z' },
    },
  ],
  ctlogs: [],
  timestampAuthorities: [],
};

describe(trustedRootCachePath.name, () => {
  it('lives under $XDG_CACHE_HOME, else ~/.cache, per CA host and port', () => {
    expect(
      trustedRootCachePath({ XDG_CACHE_HOME: '/x', HOME: '/h' }, 'https://ca.example.com'),
    ).toBe('/x/signet/ca.example.com/trusted_root.json');
    expect(trustedRootCachePath({ HOME: '/h' }, 'http://127.0.0.1:5555')).toBe(
      '/h/.cache/signet/127.0.0.1_5555/trusted_root.json',
    );
  });
});

describe(loadTrustedRoot.name, () => {
  let server: Server;
  let caUrl: string;
  let status: number;
  let body: unknown;
  let env: NodeJS.ProcessEnv;
  const tempDir = tempDirs();

  beforeEach(async () => {
    status = 200;
    body = ROOT;
    server = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    caUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    env = { XDG_CACHE_HOME: tempDir('cache') };
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches from the CA and caches what it fetched', async () => {
    const loaded = await loadTrustedRoot(recordingContext(env), caUrl);
    expect(loaded.source).toBe(`${caUrl}/api/v1/trustedRoot`);
    expect(loaded.root.tlogs).toHaveLength(1);
    expect(JSON.parse(readFileSync(trustedRootCachePath(env, caUrl), 'utf8'))).toEqual(ROOT);
  });

  it('falls back to the cache, with a warning, when the CA is down or failing', async () => {
    await loadTrustedRoot(recordingContext(env), caUrl);
    status = 503;
    const ctx = recordingContext(env);
    expect((await loadTrustedRoot(ctx, caUrl)).source).toBe(trustedRootCachePath(env, caUrl));
    expect(ctx.err[0]).toMatch(
      /^warning: trusted root: .* answered 503; using the trusted root cached at /,
    );
  });

  // Security review M9: every fetch overwrote the cache, so one forged answer replaced the root.
  it('refuses (exit 1) a root whose keys differ from the cached one, and keeps the cache', async () => {
    const first = recordingContext(env);
    await loadTrustedRoot(first, caUrl);
    expect(first.err).toContain(
      `warning: no trusted root was cached for ${caUrl}: trusting the one it serves now (pin one with --trusted-root)`,
    );
    const cache = trustedRootCachePath(env, caUrl);
    const forged = JSON.parse(JSON.stringify(ROOT)) as typeof ROOT;
    forged.tlogs[0]!.publicKey.rawBytes = 'BBBB';
    body = forged;
    await expect(loadTrustedRoot(recordingContext(env), caUrl)).rejects.toMatchObject({
      exitCode: 1,
      code: 'TRUSTED_ROOT_CHANGED',
      message: `the trusted root ${caUrl} serves differs from the one cached in ${cache} (adds 1 transparency log key, drops 1 transparency log key); check it out of band, then run signet trust-root --replace`,
    });
    expect(JSON.parse(readFileSync(cache, 'utf8'))).toEqual(ROOT);
    // The same keys for the same times are not a change of trust.
    body = ROOT;
    expect((await loadTrustedRoot(recordingContext(env), caUrl)).source).toBe(
      `${caUrl}/api/v1/trustedRoot`,
    );
  });

  it('prefers a pinned root from SIGNET_TRUSTED_ROOT, without asking the CA', async () => {
    const pinned = join(tempDir('pinned'), 'trusted_root.json');
    writeFileSync(pinned, JSON.stringify(ROOT));
    status = 500;
    const loaded = await loadTrustedRoot(
      recordingContext({ ...env, SIGNET_TRUSTED_ROOT: pinned }),
      caUrl,
    );
    expect(loaded.source).toBe(pinned);
  });

  it('replaces the cached root only when asked (signet trust-root --replace)', async () => {
    await loadTrustedRoot(recordingContext(env), caUrl);
    const changed = JSON.parse(JSON.stringify(ROOT)) as typeof ROOT;
    changed.certificateAuthorities[0]!.certChain.certificates[0]!.rawBytes = 'CCCC';
    body = changed;
    const ctx = recordingContext(env);
    await fetchTrustedRoot(ctx, caUrl, { replace: true });
    expect(JSON.parse(readFileSync(trustedRootCachePath(env, caUrl), 'utf8'))).toEqual(changed);
    expect(ctx.err).toContain(
      `warning: replacing the cached trusted root of ${caUrl} (adds 1 CA certificate, drops 1 CA certificate)`,
    );
  });

  it('is exit 4 when the CA is unreachable and nothing is cached', async () => {
    status = 502;
    await expect(loadTrustedRoot(recordingContext(env), caUrl)).rejects.toMatchObject({
      exitCode: 4,
    });
    expect(existsSync(trustedRootCachePath(env, caUrl))).toBe(false);
  });

  it('does not fall back, nor cache, when the CA answers something unusable', async () => {
    await loadTrustedRoot(recordingContext(env), caUrl);
    body = { tlogs: [], certificateAuthorities: [] };
    await expect(loadTrustedRoot(recordingContext(env), caUrl)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('is not a usable trusted root'),
    });
    status = 404;
    await expect(loadTrustedRoot(recordingContext(env), caUrl)).rejects.toMatchObject({
      exitCode: 2,
    });
    expect(JSON.parse(readFileSync(trustedRootCachePath(env, caUrl), 'utf8'))).toEqual(ROOT);
  });
});

describe(parseTrustedRoot.name, () => {
  // ROOT plus a CT log and a TSA, as JSON to edit.
  interface Ranged {
    validFor?: { start?: string; end?: string };
  }
  interface EditableRoot {
    tlogs: { publicKey: Ranged }[];
    ctlogs: { publicKey: Ranged }[];
    certificateAuthorities: Ranged[];
    timestampAuthorities: Ranged[];
  }
  const fullRoot = (): EditableRoot =>
    JSON.parse(
      JSON.stringify({
        ...ROOT,
        ctlogs: [{ ...ROOT.tlogs[0], baseUrl: 'http://127.0.0.1:3000/ct' }],
        timestampAuthorities: [{ ...ROOT.certificateAuthorities[0], uri: 'http://127.0.0.1:5556' }],
      }),
    ) as EditableRoot;

  it('accepts validFor ranges with a start, with or without an end, or no range at all', () => {
    const root = fullRoot();
    root.ctlogs[0]!.publicKey.validFor!.end = '2026-06-01T00:00:00Z';
    delete root.certificateAuthorities[0]!.validFor;
    expect(parseTrustedRoot(root, 'root.json').ctlogs).toHaveLength(1);
  });

  it.each([
    ['tlogs[0].publicKey', (r: EditableRoot) => r.tlogs[0]!.publicKey, 'http://127.0.0.1:3000'],
    [
      'ctlogs[0].publicKey',
      (r: EditableRoot) => r.ctlogs[0]!.publicKey,
      'http://127.0.0.1:3000/ct',
    ],
    [
      'certificateAuthorities[0]',
      (r: EditableRoot) => r.certificateAuthorities[0]!,
      'http://127.0.0.1:5555',
    ],
    [
      'timestampAuthorities[0]',
      (r: EditableRoot) => r.timestampAuthorities[0]!,
      'http://127.0.0.1:5556',
    ],
  ])('refuses (exit 2) a %s.validFor without a start, naming it', (path, at, url) => {
    const root = fullRoot();
    at(root).validFor = { end: '2030-01-01T00:00:00Z' };
    expect(() => parseTrustedRoot(root, 'root.json')).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: `root.json is not a usable trusted root: ${path}.validFor has no start (${url})`,
      }),
    );
  });

  it('refuses a validFor whose start is not a time', () => {
    const root = fullRoot();
    root.tlogs[0]!.publicKey.validFor!.start = 'yesterday';
    expect(() => parseTrustedRoot(root, 'root.json')).toThrow(
      'root.json is not a usable trusted root: tlogs[0].publicKey.validFor.start is not a time (http://127.0.0.1:3000)',
    );
  });
});
