import { startOidcIssuer, type LocalOidcIssuer } from '@app/testing/oidc-issuer';
import type { IssuerConfig } from './issuer-config';
import { OidcVerifier, type OidcVerifierOptions } from './oidc-verifier';
import { codeAndMessage, rejection } from './testing/identity-errors';
import { requestsTo } from './testing/tokens';

const DISCOVERY = '/.well-known/openid-configuration';

const urlOf = (input: Parameters<typeof fetch>[0]): string =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;

describe(`${OidcVerifier.name} discovery and keys`, () => {
  let idp: LocalOidcIssuer;
  const email = { sub: 'u-1', email: 'alice@example.com', email_verified: true };
  let config: IssuerConfig;
  const make = (options: OidcVerifierOptions = {}, issuers: IssuerConfig[] = [config]) =>
    new OidcVerifier(issuers, options);

  beforeEach(async () => {
    idp = await startOidcIssuer();
    config = { url: idp.url, audience: 'sigstore', type: 'email', allowHttp: true };
  });
  afterEach(() => idp.close());

  it('fetches discovery and the JWKS once, then serves from cache', async () => {
    const verifier = make();
    await verifier.verify(await idp.mint(email));
    await verifier.verify(await idp.mint(email, { alg: 'RS256' }));
    expect(idp.requests).toEqual([DISCOVERY, '/jwks']);
  });

  it('refetches the JWKS once for an unknown kid after the cooldown (key rotation)', async () => {
    const verifier = make({ jwksCooldownMs: 0 });
    await verifier.verify(await idp.mint(email));
    idp.rotateKeys();
    expect((await verifier.verify(await idp.mint(email))).subject).toBe('u-1');
    expect(requestsTo(idp.requests, '/jwks')).toHaveLength(2);
    expect(requestsTo(idp.requests, DISCOVERY)).toHaveLength(1);
  });

  it('does not refetch the JWKS within the cooldown', async () => {
    const verifier = make();
    await verifier.verify(await idp.mint(email));
    idp.rotateKeys();
    const error = await rejection(verifier.verify(await idp.mint(email)));
    expect(error.code).toBe('INVALID_SIGNATURE');
    expect(requestsTo(idp.requests, '/jwks')).toHaveLength(1);
  });

  // Security review L2: socket codes and timeouts in the answer told a token holder whether a
  // port behind the CA was open, closed or filtered. They go to the log only.
  it('reports an issuer that is down as ISSUER_UNAVAILABLE, naming the URL but not why', async () => {
    const token = await idp.mint(email);
    await idp.close();
    const error = await rejection(make().verify(token));
    expect(codeAndMessage(error)).toEqual({
      code: 'ISSUER_UNAVAILABLE',
      message: `could not fetch ${idp.url}${DISCOVERY}`,
    });
    idp = await startOidcIssuer(); // for afterEach
  });

  it('forgets a failed discovery, so the next token retries', async () => {
    let calls = 0;
    const flaky: typeof fetch = (input, init) =>
      ++calls === 1 ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init);
    const verifier = make({ fetch: flaky });
    const token = await idp.mint(email);
    expect((await rejection(verifier.verify(token))).message).toBe(
      `could not fetch ${idp.url}${DISCOVERY}`,
    );
    expect((await verifier.verify(token)).subject).toBe('u-1');
  });

  it('times out a slow issuer', async () => {
    const hang: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)),
      );
    const error = await rejection(
      make({ fetch: hang, timeoutMs: 50 }).verify(await idp.mint(email)),
    );
    expect(codeAndMessage(error)).toEqual({
      code: 'ISSUER_UNAVAILABLE',
      message: `could not fetch ${idp.url}${DISCOVERY}`,
    });
  });

  const serving =
    (path: string, status: number, body: unknown): typeof fetch =>
    (input, init) =>
      urlOf(input).endsWith(path)
        ? Promise.resolve(new Response(JSON.stringify(body), { status }))
        : fetch(input, init);

  it.each<[number, Record<string, unknown> | unknown[], (url: string) => string]>([
    [500, {}, (url: string) => `${url}${DISCOVERY} answered HTTP 500`],
    [
      200,
      { issuer: 'https://evil.example', jwks_uri: 'https://evil.example/jwks' },
      (url: string) =>
        `discovery document ${url}${DISCOVERY} names issuer "https://evil.example", not "${url}"`,
    ],
    [
      200,
      { issuer: '<self>' },
      (url: string) => `discovery document ${url}${DISCOVERY} has no jwks_uri`,
    ],
    [
      200,
      { issuer: '<self>', jwks_uri: 'http://keys.example.com/jwks' },
      (url: string) =>
        `discovery document ${url}${DISCOVERY} has jwks_uri "http://keys.example.com/jwks": plain http is allowed only for loopback issuers with allowHttp: true`,
    ],
    [200, ['not', 'an', 'object'], (url: string) => `${url}${DISCOVERY} is not a JSON object`],
  ])('rejects a discovery answer %i %j', async (status, body, message) => {
    const document = Array.isArray(body)
      ? body
      : { ...body, ...(body.issuer === '<self>' ? { issuer: idp.url } : {}) };
    const verifier = make({ fetch: serving(DISCOVERY, status, document) });
    const error = await rejection(verifier.verify(await idp.mint(email)));
    expect(codeAndMessage(error)).toEqual({
      code: 'ISSUER_UNAVAILABLE',
      message: message(idp.url),
    });
  });

  it('reports a failing JWKS endpoint as ISSUER_UNAVAILABLE', async () => {
    const verifier = make({ fetch: serving('/jwks', 503, {}) });
    const error = await rejection(verifier.verify(await idp.mint(email)));
    expect(codeAndMessage(error)).toEqual({
      code: 'ISSUER_UNAVAILABLE',
      message: `could not fetch JWKS ${idp.url}/jwks`,
    });
  });

  it('reports an unreachable or slow JWKS endpoint as ISSUER_UNAVAILABLE', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const failing: typeof fetch = (input, init) =>
      urlOf(input).endsWith('/jwks') ? Promise.reject(refused) : fetch(input, init);
    const hanging: typeof fetch = (input, init) =>
      urlOf(input).endsWith('/jwks')
        ? new Promise((_resolve, reject) =>
            init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)),
          )
        : fetch(input, init);
    const token = await idp.mint(email);
    expect(codeAndMessage(await rejection(make({ fetch: failing }).verify(token)))).toEqual({
      code: 'ISSUER_UNAVAILABLE',
      message: `could not fetch JWKS ${idp.url}/jwks`,
    });
    const slow = make({ fetch: hanging, timeoutMs: 50 });
    expect(codeAndMessage(await rejection(slow.verify(token)))).toEqual({
      code: 'ISSUER_UNAVAILABLE',
      message: `could not fetch JWKS ${idp.url}/jwks`,
    });
  });

  // Security review L1: discovery was read whole before its size check, and jose reads a JWKS with
  // no limit at all, so one issuer could stream hundreds of MB into the CA within the timeout.
  describe('bounded answers', () => {
    const LIMIT = 256 * 1024;
    /** A fetch whose answer at `path` is an 8 MB stream; `pulled` counts what was read. */
    const endless = (path: string, head: string) => {
      const state = { pulled: 0 };
      const fetchImpl: typeof fetch = (input, init) => {
        if (!urlOf(input).endsWith(path)) return fetch(input, init);
        let sent = 0;
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            const chunk =
              sent === 0 ? Buffer.from(head.padEnd(64 * 1024)) : Buffer.alloc(64 * 1024, 0x20);
            sent += chunk.length;
            state.pulled = sent;
            controller.enqueue(new Uint8Array(chunk));
            if (sent >= 8 * 1024 * 1024) controller.close();
          },
        });
        return Promise.resolve(new Response(body, { status: 200 }));
      };
      return { state, fetchImpl };
    };

    it('stops reading a discovery document past 256 KB', async () => {
      const { state, fetchImpl } = endless(DISCOVERY, '{"issuer":');
      const error = await rejection(make({ fetch: fetchImpl }).verify(await idp.mint(email)));
      expect(codeAndMessage(error)).toEqual({
        code: 'ISSUER_UNAVAILABLE',
        message: `${idp.url}${DISCOVERY} is larger than ${LIMIT} bytes`,
      });
      expect(state.pulled).toBeLessThan(LIMIT + 256 * 1024);
    });

    it('stops reading a JWKS past 256 KB', async () => {
      const { state, fetchImpl } = endless('/jwks', '{"keys":[');
      const error = await rejection(make({ fetch: fetchImpl }).verify(await idp.mint(email)));
      expect(codeAndMessage(error)).toEqual({
        code: 'ISSUER_UNAVAILABLE',
        message: `JWKS ${idp.url}/jwks is larger than ${LIMIT} bytes`,
      });
      expect(state.pulled).toBeLessThan(LIMIT + 256 * 1024);
    });
  });

  describe('meta-issuers', () => {
    const kubernetes = {
      sub: 's',
      'kubernetes.io': { namespace: 'ci', serviceaccount: { name: 'b' } },
    };
    const meta = (): IssuerConfig[] => [
      {
        wildcardUrl: `${idp.url}/k8s/*`,
        audience: 'sigstore',
        type: 'kubernetes',
        allowHttp: true,
      },
    ];

    it('matches one path segment and discovers that issuer', async () => {
      const iss = `${idp.url}/k8s/cluster-a_1`;
      const principal = await make({}, meta()).verify(await idp.mint({ ...kubernetes, iss }));
      expect(principal.issuer).toBe(iss);
      expect(idp.requests).toEqual([`/k8s/cluster-a_1${DISCOVERY}`, '/jwks']);
    });

    it.each(['/k8s/a/b', '/k8s/a.b', '/k8s/', '/k8s/a?x=1', '/k8s/a#x', '/other/k8s/a'])(
      'does not match %s and makes no request',
      async (path) => {
        const iss = `${idp.url}${path}`;
        const error = await rejection(
          make({}, meta()).verify(await idp.mint({ ...kubernetes, iss })),
        );
        expect(codeAndMessage(error)).toEqual({
          code: 'UNKNOWN_ISSUER',
          message: `issuer "${iss}" is not configured on this CA`,
        });
        expect(idp.requests).toEqual([]);
      },
    );

    // Security review L2: whoever runs a wildcard-matched issuer could point jwks_uri at any host.
    it("refuses a jwks_uri outside the wildcard-matched issuer's domain", async () => {
      const iss = `${idp.url}/k8s/cluster-a`;
      for (const jwksUri of ['https://10.0.0.1/jwks', 'https://keys.example.net/jwks']) {
        const verifier = make(
          { fetch: serving(DISCOVERY, 200, { issuer: iss, jwks_uri: jwksUri }) },
          meta(),
        );
        const error = await rejection(verifier.verify(await idp.mint({ ...kubernetes, iss })));
        expect(codeAndMessage(error)).toEqual({
          code: 'ISSUER_UNAVAILABLE',
          message: `discovery document ${iss}${DISCOVERY} has jwks_uri "${jwksUri}" outside the issuer's domain, which a wildcard issuer requires`,
        });
      }
    });

    it('prefers an exact issuer over a wildcard', async () => {
      const iss = `${idp.url}/k8s/exact`;
      const issuers: IssuerConfig[] = [
        ...meta(),
        { url: iss, audience: 'sigstore', type: 'email', allowHttp: true },
      ];
      const principal = await make({}, issuers).verify(await idp.mint({ ...email, iss }));
      expect(principal.issuerType).toBe('email');
    });
  });
});
