import { Logger } from '@nestjs/common';
import { boundedFetch } from '../../identity/bounded-fetch';
import { checkFetchableUrl } from '../../identity/issuer-url';
import { jose, type JWTPayload, type JWTVerifyGetKey } from '../../identity/jose';
import { AdminError } from './admin.error';

/** What sign-in needs from the admin IdP's discovery document (OIDC Discovery 1.0 §3). */
export interface AdminIdpEndpoints {
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly userinfoEndpoint: string | undefined;
  /** ID token algorithms both the IdP advertises and {@link ID_TOKEN_ALGORITHMS} allows. */
  readonly algorithms: readonly string[];
  readonly getKey: JWTVerifyGetKey;
}

/** Asymmetric JWS algorithms only: never `none`, never an HMAC keyed with the client secret. */
export const ID_TOKEN_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

/** Largest discovery document, JWKS, token or userinfo answer read, in bytes. */
const MAX_ANSWER_BYTES = 256 * 1024;
const TIMEOUT_MS = 5000;

const logger = new Logger('AdminIdp');

/**
 * The configured admin IdP, discovered lazily: the CA boots and issues certificates whether or not
 * it answers. Discovery is retried on each sign-in until it succeeds (one attempt at a time), then
 * kept. Only this issuer and the endpoints its own discovery names are ever contacted, with
 * timeouts and bounded reads.
 */
export class AdminIdp {
  private endpoints: AdminIdpEndpoints | undefined;
  private pending: Promise<AdminIdpEndpoints> | undefined;
  private readonly fetch = boundedFetch(globalThis.fetch, MAX_ANSWER_BYTES);

  constructor(
    readonly issuer: string,
    private readonly allowHttp: boolean,
  ) {}

  /**
   * The discovered endpoints.
   * @throws AdminError `IDP_UNAVAILABLE` naming what failed (details in the log).
   */
  async discover(): Promise<AdminIdpEndpoints> {
    if (this.endpoints !== undefined) return this.endpoints;
    this.pending ??= this.fetchEndpoints().finally(() => (this.pending = undefined));
    this.endpoints = await this.pending;
    return this.endpoints;
  }

  private async fetchEndpoints(): Promise<AdminIdpEndpoints> {
    const url = `${this.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const doc = await this.getJson(url, {});
    const unusable = (problem: string) =>
      new AdminError('IDP_UNAVAILABLE', `admin sign-in is unavailable: ${url} ${problem}`);
    if (doc.issuer !== this.issuer) throw unusable(`names another issuer`);
    const endpoint = (name: string, required: boolean): string | undefined => {
      const value = doc[name];
      if (value === undefined && !required) return undefined;
      if (typeof value !== 'string' || !URL.canParse(value)) throw unusable(`has no valid ${name}`);
      const problem = checkFetchableUrl(new URL(value), this.allowHttp);
      if (problem !== undefined) throw unusable(`has ${name} ${value}: ${problem}`);
      return value;
    };
    const advertised = doc.id_token_signing_alg_values_supported;
    const algorithms = ID_TOKEN_ALGORITHMS.filter(
      (a) => !Array.isArray(advertised) || advertised.includes(a),
    );
    if (algorithms.length === 0) throw unusable('advertises no asymmetric ID token algorithm');
    const jwks = jose.createRemoteJWKSet(new URL(endpoint('jwks_uri', true)!), {
      timeoutDuration: TIMEOUT_MS,
      cooldownDuration: 30_000,
      [jose.customFetch]: (u, init) => this.fetch(u, { ...init, redirect: 'manual' }),
    });
    return {
      issuer: this.issuer,
      authorizationEndpoint: endpoint('authorization_endpoint', true)!,
      tokenEndpoint: endpoint('token_endpoint', true)!,
      userinfoEndpoint: endpoint('userinfo_endpoint', false),
      algorithms,
      getKey: jwks,
    };
  }

  /**
   * RFC 6749 §4.1.3 with RFC 7636's `code_verifier`, client authentication `client_secret_post`.
   * Calls back as node-oauth's `getOAuthAccessToken` does, which passport-openidconnect expects:
   * `(err {statusCode, data}, accessToken, refreshToken, params)`.
   */
  exchangeCode(
    endpoints: AdminIdpEndpoints,
    form: Record<string, string>,
    done: (
      err: { statusCode: number; data: string } | Error | null,
      accessToken?: string,
      refreshToken?: string,
      params?: Record<string, unknown>,
    ) => void,
  ): void {
    this.fetch(endpoints.tokenEndpoint, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(form).toString(),
    })
      .then(async (res) => {
        const data = await res.text();
        if (res.status !== 200) return done({ statusCode: res.status, data });
        const params = JSON.parse(data) as Record<string, unknown>;
        const str = (v: unknown) => (typeof v === 'string' ? v : '');
        done(null, str(params.access_token), str(params.refresh_token), params);
      })
      .catch((err: unknown) => {
        logger.warn(`token endpoint ${endpoints.tokenEndpoint}: ${String(err)}`);
        done(new Error('the IdP token endpoint could not be reached'));
      });
  }

  /**
   * OIDC Core §3.1.3.7 items 1–6, which passport-openidconnect leaves to TLS: the ID token's
   * signature against the IdP's JWKS, an allowed asymmetric `alg`, `iss`, `aud` and expiry.
   * @throws AdminError `SIGN_IN_FAILED` naming the failed check.
   */
  async verifyIdToken(
    endpoints: AdminIdpEndpoints,
    idToken: string,
    clientId: string,
  ): Promise<JWTPayload> {
    try {
      const { payload } = await jose.jwtVerify(idToken, endpoints.getKey, {
        issuer: this.issuer,
        audience: clientId,
        algorithms: [...endpoints.algorithms],
        clockTolerance: 30,
        requiredClaims: ['sub', 'iat', 'exp'],
      });
      return payload;
    } catch (err) {
      const { code } = (err ?? {}) as { code?: string };
      const why: Record<string, string> = {
        ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'its signature does not verify with the IdP keys',
        ERR_JWKS_NO_MATCHING_KEY: 'it is signed with a key the IdP does not publish',
        ERR_JOSE_ALG_NOT_ALLOWED: 'its algorithm is not allowed',
        ERR_JWT_EXPIRED: 'it has expired',
        ERR_JWT_CLAIM_VALIDATION_FAILED: 'a claim failed validation (iss, aud, sub, iat)',
      };
      throw new AdminError(
        'SIGN_IN_FAILED',
        `the ID token was refused: ${why[code ?? ''] ?? 'it could not be verified'}`,
        undefined,
        { cause: err },
      );
    }
  }

  /** The userinfo claims (OIDC Core §5.3), when the ID token lacks what role bindings read. */
  async userinfo(
    endpoints: AdminIdpEndpoints,
    accessToken: string,
  ): Promise<Record<string, unknown>> {
    if (endpoints.userinfoEndpoint === undefined || accessToken === '') return {};
    return this.getJson(endpoints.userinfoEndpoint, { authorization: `Bearer ${accessToken}` });
  }

  private async getJson(
    url: string,
    headers: Record<string, string>,
  ): Promise<Record<string, unknown>> {
    try {
      const res = await this.fetch(url, {
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: { accept: 'application/json', ...headers },
      });
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new Error(`HTTP ${res.status}`);
      }
      const doc: unknown = JSON.parse(await res.text());
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
        throw new Error('not a JSON object');
      }
      return doc as Record<string, unknown>;
    } catch (err) {
      logger.warn(`${url}: ${String(err)}`);
      throw new AdminError('IDP_UNAVAILABLE', `admin sign-in is unavailable: ${url} failed`, {
        'Retry-After': '5',
      });
    }
  }
}
