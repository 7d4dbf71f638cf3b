/**
 * NOT FOR PRODUCTION: a loopback OpenID Connect issuer for the tests, `npm run demo` and the
 * bench, and nothing else. It listens on 127.0.0.1 only, serves discovery and a JWKS, and mints
 * ID tokens with keys it generates at start: anyone who can reach it can mint tokens. It lives in
 * `@app/devkit`, which lint forbids the CA and the transparency log to import.
 *
 * Routes:
 * - `<url>[/<prefix>]/.well-known/openid-configuration`: discovery for issuer `<url>[/<prefix>]`
 *   (the prefix form lets tests exercise meta-issuers such as `<url>/tenants/*`);
 * - `<url>/jwks`: the current ES256 and RS256 public keys.
 */
import { createHmac, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };

// jose is ESM-only; Node's own require() loads it where Jest's loader cannot (see apps/ca/src/identity/jose.ts).
const jose = process.getBuiltinModule('node:module').createRequire(__filename)(
  'jose',
) as typeof Jose;

/** How {@link LocalOidcIssuer.mint} builds a token. */
export interface MintOptions {
  /** Signing algorithm. Default ES256. */
  alg?: 'ES256' | 'RS256';
  /** Overrides the `kid` header (default: the current key's id). */
  kid?: string;
  /** Extra or overriding protected-header fields. */
  header?: Record<string, unknown>;
  /** Seconds from now until `exp`. Default 300. */
  expiresIn?: number;
  /** Seconds from now until `nbf` (negative for the past). Default: no `nbf`. */
  notBefore?: number;
  /**
   * Produce an attack token instead of a properly signed one: `none` (`alg: none`, empty
   * signature) or `hs256-with-public-key` (HS256 keyed with the RS256 public key's PEM, the
   * classic algorithm-confusion attack).
   */
  noSign?: 'none' | 'hs256-with-public-key';
}

/** A running local issuer. */
export interface LocalOidcIssuer {
  /** `http://127.0.0.1:<port>`, also the default `iss`. */
  url: string;
  /**
   * Signs `claims` over the defaults `iss` = url, `aud` = 'sigstore', `iat` = now,
   * `exp` = now + 300. A claim set to `undefined` removes that default.
   */
  mint(claims: Record<string, unknown>, opts?: MintOptions): Promise<string>;
  /** Replaces both keys (new `kid`s); the JWKS then lists only the new ones. */
  rotateKeys(): void;
  /** Every request path served, in order, to assert what was (not) fetched. */
  requests: string[];
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function generateKeys(): Record<'ES256' | 'RS256', SigningKey> {
  const id = randomUUID().slice(0, 8);
  return {
    ES256: { kid: `es256-${id}`, ...generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) },
    RS256: { kid: `rs256-${id}`, ...generateKeyPairSync('rsa', { modulusLength: 2048 }) },
  };
}

const base64url = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/** Starts a local issuer on 127.0.0.1 (`port` 0 or absent: any free port). */
export async function startOidcIssuer(opts: { port?: number } = {}): Promise<LocalOidcIssuer> {
  let keys = generateKeys();
  const requests: string[] = [];
  let url = '';

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    requests.push(path);
    const discovery = /^(.*)\/\.well-known\/openid-configuration$/.exec(path);
    if (req.method === 'GET' && discovery !== null) {
      send(res, 200, {
        issuer: `${url}${discovery[1] ?? ''}`,
        jwks_uri: `${url}/jwks`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256', 'RS256'],
      });
    } else if (req.method === 'GET' && path === '/jwks') {
      const jwks = Object.entries(keys).map(([alg, key]) => ({
        ...key.publicKey.export({ format: 'jwk' }),
        kid: key.kid,
        alg,
        use: 'sig',
      }));
      send(res, 200, { keys: jwks });
    } else {
      send(res, 404, { error: 'not found' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const mint = async (claims: Record<string, unknown>, mintOpts: MintOptions = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const merged: Record<string, unknown> = {
      iss: url,
      aud: 'sigstore',
      iat: now,
      exp: now + (mintOpts.expiresIn ?? 300),
      ...(mintOpts.notBefore !== undefined ? { nbf: now + mintOpts.notBefore } : {}),
      ...claims,
    };
    const payload = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
    const alg = mintOpts.alg ?? 'ES256';
    const key = keys[alg];
    const header = { alg, kid: mintOpts.kid ?? key.kid, typ: 'JWT', ...mintOpts.header };
    if (mintOpts.noSign === 'none') {
      return `${base64url({ ...header, alg: 'none' })}.${base64url(payload)}.`;
    }
    if (mintOpts.noSign === 'hs256-with-public-key') {
      const rsa = keys.RS256;
      const signingInput = `${base64url({ ...header, alg: 'HS256', kid: rsa.kid })}.${base64url(payload)}`;
      const pem = rsa.publicKey.export({ format: 'pem', type: 'spki' });
      return `${signingInput}.${createHmac('sha256', pem).update(signingInput).digest('base64url')}`;
    }
    return new jose.SignJWT(payload).setProtectedHeader(header).sign(key.privateKey);
  };

  return {
    url,
    mint,
    rotateKeys: () => {
      keys = generateKeys();
    },
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
