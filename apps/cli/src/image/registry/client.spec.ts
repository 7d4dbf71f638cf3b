/* RegistryClient against scripted loopback servers, for what distribution 2.8 cannot show: Bearer
   tokens (Basic to the realm, or an identity token as an OAuth2 refresh token), a registry with
   the referrers API, and TLS with a CA file. The real registry is in test/image-registry.e2e-spec.ts. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, ExitCode } from '../../cli/exit-codes';
import { RegistryClient } from './client';
import { digestOf } from './digest';
import { OCI_EMPTY, OCI_INDEX, OCI_MANIFEST } from './media-types';
import { parseImageReference } from './reference';

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;
const servers: Server[] = [];
let dir: string;

async function serve(handler: Handler, tls?: { key: string; cert: string }): Promise<string> {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  };
  const server = tls ? createTlsServer(tls, listener) : createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'signet-registry-client-'))));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_EMPTY },
    layers: [],
  }),
);
const SUBJECT = digestOf(manifest);
const b64 = (s: string) => Buffer.from(s).toString('base64');
const config = (auths: unknown) => {
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify({ auths }));
  return path;
};

/** A registry that wants `Bearer T(<scope>)` and serves `manifest` at any tag. */
async function bearerRegistry(tokenServer: string) {
  return serve((req, _body, res) => {
    const scope = req.method === 'GET' ? 'pull' : 'pull,push';
    if (req.headers.authorization !== `Bearer T(repository:team/app:${scope})`) {
      res
        .writeHead(401, {
          'www-authenticate': `Bearer realm="http://${tokenServer}/token",service="test-registry",scope="repository:team/app:${scope}"`,
        })
        .end();
      return;
    }
    res
      .writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': SUBJECT })
      .end(manifest);
  });
}

describe(RegistryClient.name, () => {
  it('fetches a Bearer token for the scope with Basic credentials, and reuses it', async () => {
    const asked: string[] = [];
    const tokens = await serve((req, _body, res) => {
      const url = new URL(req.url!, 'http://x');
      asked.push(
        `${req.method} ${url.searchParams.get('service')} ${url.searchParams.get('scope')}`,
      );
      if (req.headers.authorization !== `Basic ${b64('u:p')}`) return void res.writeHead(401).end();
      res.end(JSON.stringify({ token: `T(${url.searchParams.get('scope')})`, expires_in: 300 }));
    });
    const registry = await bearerRegistry(tokens);
    const client = new RegistryClient({
      allowHttp: [registry, tokens],
      env: {},
      dockerConfig: config({ [registry]: { auth: b64('u:p') } }),
    });
    const ref = parseImageReference(`${registry}/team/app:v1`);
    expect((await client.resolve(ref)).descriptor.digest).toBe(SUBJECT);
    expect((await client.resolve(ref)).descriptor.digest).toBe(SUBJECT);
    expect(asked).toEqual(['GET test-registry repository:team/app:pull']);
    client.close();
  });

  it('trades an identity token for an access token (OAuth2 refresh_token POST), and names the source when refused', async () => {
    const forms: Record<string, string>[] = [];
    const tokens = await serve((req, body, res) => {
      const form = Object.fromEntries(new URLSearchParams(body.toString()));
      forms.push(form);
      if (req.method !== 'POST' || form.refresh_token !== 'refresh-me')
        return void res.writeHead(401).end();
      res.end(JSON.stringify({ access_token: `T(${form.scope})` }));
    });
    const registry = await bearerRegistry(tokens);
    const ref = parseImageReference(`${registry}/team/app:v1`);
    const good = config({ [registry]: { identitytoken: 'refresh-me' } });
    const client = new RegistryClient({
      allowHttp: [registry, tokens],
      env: {},
      dockerConfig: good,
    });
    expect((await client.resolve(ref)).descriptor.digest).toBe(SUBJECT);
    expect(forms).toEqual([
      {
        grant_type: 'refresh_token',
        refresh_token: 'refresh-me',
        client_id: 'signet',
        scope: 'repository:team/app:pull',
        service: 'test-registry',
      },
    ]);
    const bad = config({ [registry]: { identitytoken: 'stale' } });
    const refused = await new RegistryClient({
      allowHttp: [registry, tokens],
      env: {},
      dockerConfig: bad,
    })
      .resolve(ref)
      .catch((e: unknown) => e as CliError);
    expect(refused).toBeInstanceOf(CliError);
    expect((refused as CliError).message).toBe(
      `the token service http://${tokens} of registry ${registry} refused the credentials from ${bad} (auths "${registry}")`,
    );
    client.close();
  });

  it('uses the referrers API where the registry has one, and then writes no fallback tag', async () => {
    const listed = {
      mediaType: OCI_MANIFEST,
      digest: `sha256:${'1'.repeat(64)}`,
      size: 9,
      artifactType: 'x',
    };
    const requests: string[] = [];
    const registry = await serve((req, _body, res) => {
      requests.push(`${req.method} ${req.url}`);
      if (req.url === `/v2/team/app/referrers/${SUBJECT}`) {
        res.writeHead(200, { 'content-type': OCI_INDEX });
        return void res.end(
          JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [listed] }),
        );
      }
      res.writeHead(201, { 'docker-content-digest': digestOf(referrer) }).end();
    });
    const referrer = Buffer.from(
      JSON.stringify({
        ...JSON.parse(manifest.toString()),
        subject: { mediaType: OCI_MANIFEST, digest: SUBJECT, size: 1 },
      }),
    );
    const client = new RegistryClient({ allowHttp: [registry], env: {} });
    const ref = parseImageReference(`${registry}/team/app`);
    expect(await client.referrers(ref, SUBJECT)).toEqual([listed]);
    await client.pushReferrer(ref, referrer, OCI_MANIFEST);
    expect(requests.slice(1)).toEqual([
      `PUT /v2/team/app/manifests/${digestOf(referrer)}`,
      `GET /v2/team/app/referrers/${SUBJECT}`,
    ]);
    client.close();
  });

  it('trusts a registry certificate only through the CA file given', async () => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-keyout',
        key,
        '-out',
        cert,
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const registry = await serve(
      (_req, _body, res) => void res.writeHead(200, { 'content-type': OCI_MANIFEST }).end(manifest),
      { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') },
    );
    const ref = parseImageReference(`${registry}/team/app:v1`);
    const untrusted = await new RegistryClient({ allowHttp: [], env: {} })
      .resolve(ref)
      .catch((e: unknown) => e as CliError);
    expect((untrusted as CliError).exitCode).toBe(ExitCode.unavailable);
    expect((untrusted as CliError).message).toContain(`cannot reach https://${registry}`);
    const trusted = new RegistryClient({ allowHttp: [], env: {}, caFile: cert });
    expect((await trusted.resolve(ref)).descriptor.digest).toBe(SUBJECT);
    trusted.close();
  });
});
