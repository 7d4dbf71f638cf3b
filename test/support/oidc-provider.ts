/* A real OpenID provider for the admin sign-in tests: the `oidc-provider` package (ESM-only,
   loaded through createRequire as apps/ca/src/identity/jose.ts does) on loopback, with one
   confidential client that must use PKCE, a groups claim in the ID token, and devInteractions
   logins (any password). It sits behind a small loopback proxy whose URL is the issuer: the proxy
   can play an IdP that is down, and rewrite the token endpoint's answer (a forged ID token). */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as Jose from 'jose' with { 'resolution-mode': 'import' };

/** An account of the test IdP: its claims (`email`, `groups`, …). */
export type IdpAccounts = Record<string, Record<string, unknown>>;

export interface AdminIdp {
  /** The issuer (the proxy's URL). */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** A second registered client: a real token of this IdP for another audience. */
  readonly otherClientId: string;
  /** The IdP's signing key (private JWK): to mint validly signed tokens with wrong claims. */
  readonly signingJwk: Jose.JWK;
  /** When true, every request gets a 503 (an IdP that is down). */
  down: boolean;
  /** Rewrites the token endpoint's JSON answer before the client sees it. */
  tamperToken: ((answer: Record<string, unknown>) => Promise<Record<string, unknown>>) | undefined;
  close(): Promise<void>;
}

function esm<T>(name: string): T {
  const { createRequire } = process.getBuiltinModule('node:module');
  return createRequire(__filename)(name) as T;
}

/** The `jose` module (for tests that forge tokens). */
export const jose = esm<typeof Jose>('jose');

interface ProviderModule {
  Provider: new (
    issuer: string,
    config: Record<string, unknown>,
  ) => {
    callback(): (req: unknown, res: unknown) => void;
    Grant: new (init: { clientId: string; accountId: string }) => {
      addOIDCScope(scope: string): void;
      save(): Promise<string>;
    };
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Starts the IdP for a CA whose callback is `redirectUri`. */
export async function startAdminIdp(redirectUri: string, accounts: IdpAccounts): Promise<AdminIdp> {
  const { Provider } = esm<ProviderModule>('oidc-provider');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingJwk = {
    ...(privateKey.export({ format: 'jwk' }) as Jose.JWK),
    kid: 'idp-1',
    alg: 'RS256',
    use: 'sig',
  };
  const clientSecret = randomBytes(32).toString('hex');

  const front = createServer();
  const issuer = `http://127.0.0.1:${await listen(front)}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'signet-admin',
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'client_secret_post',
      },
      {
        client_id: 'other-app',
        client_secret: randomBytes(32).toString('hex'),
        redirect_uris: ['http://127.0.0.1:1/cb'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    pkce: { required: () => true },
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    jwks: { keys: [signingJwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    features: { devInteractions: { enabled: true } },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
      Grant: 600,
    },
    findAccount: (_ctx: unknown, sub: string) =>
      accounts[sub] === undefined
        ? undefined
        : { accountId: sub, claims: () => Promise.resolve({ sub, ...accounts[sub] }) },
    // First-party client: consent is implied, so no consent screen.
    loadExistingGrant: async (ctx: {
      oidc: { client: { clientId: string }; session: { accountId: string } };
    }) => {
      const grant = new provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
  });
  const back = createServer(provider.callback());
  const backPort = await listen(back);

  const idp: AdminIdp = {
    url: issuer,
    clientId: 'signet-admin',
    clientSecret,
    otherClientId: 'other-app',
    signingJwk,
    down: false,
    tamperToken: undefined,
    close: async () => {
      for (const s of [front, back]) {
        s.closeAllConnections();
        await new Promise((resolve) => s.close(resolve));
      }
    },
  };
  front.on('request', (req, res) => {
    if (idp.down) {
      res.writeHead(503).end('down');
      return;
    }
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: backPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        const tamper = idp.tamperToken;
        if (tamper === undefined || req.url !== '/token' || answer.statusCode !== 200) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          void tamper(JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>).then(
            (body) => {
              const text = JSON.stringify(body);
              res.writeHead(200, {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(text),
              });
              res.end(text);
            },
          );
        });
      },
    );
    req.pipe(upstream);
  });
  return idp;
}
