// BENCH ONLY: a loopback OpenID Connect issuer (discovery + JWKS, one ES256 key) that mints ID
// tokens for the bench identity. Anyone who can reach it can mint tokens: never use it elsewhere.
// A trimmed copy of test/support/oidc-issuer.ts, which the build does not compile.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };

// jose is ESM-only; Node's own require() loads it (as apps/ca/src/identity/jose.ts does).
const jose = process.getBuiltinModule('node:module').createRequire(__filename)(
  'jose',
) as typeof Jose;

export interface BenchIssuer {
  /** `http://127.0.0.1:<port>`, also the tokens' `iss`. */
  url: string;
  /** An ES256 ID token with `aud: sigstore`, valid for `expiresIn` seconds, over `claims`. */
  mint(claims: Record<string, unknown>, expiresIn?: number): Promise<string>;
  close(): Promise<void>;
}

/** Starts the issuer on a free loopback port. */
export async function startBenchIssuer(): Promise<BenchIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const kid = `bench-${randomUUID().slice(0, 8)}`;
  let url = '';
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      send(200, {
        issuer: url,
        jwks_uri: `${url}/jwks`,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
      });
    } else if (req.url === '/jwks') {
      send(200, {
        keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }],
      });
    } else {
      send(404, { error: 'not found' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    mint: (claims, expiresIn = 900) => {
      const now = Math.floor(Date.now() / 1000);
      return new jose.SignJWT({
        iss: url,
        aud: 'sigstore',
        iat: now,
        exp: now + expiresIn,
        ...claims,
      })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .sign(privateKey);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
