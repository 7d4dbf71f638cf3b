import { IdentityError, quote } from './identity.error';
import { parseDuration } from '../policy/rules.config';
import {
  DEFAULT_MAX_TOKEN_AGE,
  parseIssuers,
  type IssuerConfig,
  type IssuerType,
} from './issuer-config';
import { discoverIssuerKeys, type IssuerKeys } from './issuer-keys';
import { compileWildcardUrl } from './issuer-url';
import { jose, type JWTPayload, type ProtectedHeaderParameters } from './jose';
import { buildPrincipal, type Principal } from './principal';
import { publicOnlyFetch } from './public-fetch';
import { verificationError } from './token-errors';

/** Signature algorithms accepted in ID tokens; `none` and the HMAC family never are. */
const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'EdDSA'] as const;

/** Tuning of {@link OidcVerifier}; every field has a default. */
export interface OidcVerifierOptions {
  /** Tokens longer than this many bytes are rejected before parsing. Default 16384. */
  maxTokenBytes?: number;
  /** Leeway for `exp`, `nbf` and `iat`. Default 60. */
  clockToleranceSeconds?: number;
  /**
   * Used for discovery and JWKS requests, for every issuer. Default: {@link publicOnlyFetch},
   * which connects only to public addresses, for issuers without `allowHttp`; the global
   * `fetch` for those with it (development issuers on loopback).
   */
  fetch?: typeof fetch;
  /** Minimum time between JWKS refetches caused by an unknown `kid`. Default 30000. */
  jwksCooldownMs?: number;
  /** Per HTTP request to an issuer. Default 5000. */
  timeoutMs?: number;
}

/** One issuer as `GET /api/v2/configuration` advertises it (Fulcio's `Issuer` message). */
export interface IssuerDescription {
  issuerUrl?: string;
  wildcardIssuerUrl?: string;
  audience: string;
  /** The claim a client signs for proof of possession: `email` for email issuers, else `sub`. */
  challengeClaim: string;
  issuerType: IssuerType;
  subjectDomain?: string;
  spiffeTrustDomain?: string;
}

/** Wildcard-matched issuers whose keys are kept; Fulcio keeps 100 in an LRU as well. */
const MAX_WILDCARD_ISSUERS = 100;

/**
 * Verifies OIDC ID tokens against the configured issuers and maps them to a {@link Principal}.
 * A token's `iss` is matched against configuration (exact URLs first, then wildcards) before any
 * network request, so an unknown issuer is never contacted; discovery results are cached per
 * issuer and JWKS by jose (refetched on an unknown `kid` after a cooldown).
 */
export class OidcVerifier {
  private readonly issuers: readonly IssuerConfig[];
  private readonly exact = new Map<string, IssuerConfig>();
  private readonly wildcards: ReadonlyArray<{
    matches: (issuer: string) => boolean;
    config: IssuerConfig;
  }>;
  private readonly keys = new Map<string, Promise<IssuerKeys>>();
  private readonly wildcardKeys = new Map<string, Promise<IssuerKeys>>();
  private readonly maxTokenBytes: number;
  private readonly clockTolerance: number;
  private readonly fetch: typeof fetch | undefined;
  private readonly publicOnlyFetch = publicOnlyFetch();
  private readonly jwksCooldownMs: number;
  private readonly timeoutMs: number;

  /** @throws Error naming the bad field when `issuers` is not a valid configuration. */
  constructor(issuers: IssuerConfig[], options: OidcVerifierOptions = {}) {
    this.issuers = parseIssuers(issuers);
    for (const config of this.issuers) {
      if (config.url !== undefined) this.exact.set(config.url, config);
    }
    this.wildcards = this.issuers
      .filter((config) => config.wildcardUrl !== undefined)
      .map((config) => ({ matches: compileWildcardUrl(config.wildcardUrl ?? ''), config }));
    this.maxTokenBytes = options.maxTokenBytes ?? 16384;
    this.clockTolerance = options.clockToleranceSeconds ?? 60;
    this.fetch = options.fetch;
    this.jwksCooldownMs = options.jwksCooldownMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /**
   * Checks, in order: size, JWT shape, `alg` allow-list, `iss` configured (all without network),
   * then signature against the issuer's JWKS, exact `iss`, `aud`, `exp`/`nbf`/`iat` with clock
   * tolerance, and finally the claims the issuer type requires.
   *
   * @throws IdentityError whose code and message name the check that failed.
   */
  async verify(token: string): Promise<Principal> {
    if (typeof token !== 'string' || token === '') {
      throw new IdentityError('MALFORMED_TOKEN', 'token must be a non-empty string');
    }
    const size = Buffer.byteLength(token, 'utf8');
    if (size > this.maxTokenBytes) {
      throw new IdentityError(
        'TOKEN_TOO_LARGE',
        `token is ${size} bytes; the limit is ${this.maxTokenBytes}`,
      );
    }
    const { header, payload } = decodeUnverified(token);
    const alg = header.alg;
    if (!(ALLOWED_ALGORITHMS as readonly unknown[]).includes(alg)) {
      throw new IdentityError(
        'UNSUPPORTED_ALGORITHM',
        `token alg ${quote(alg ?? null)} is not accepted; use one of ${ALLOWED_ALGORITHMS.join(', ')}`,
      );
    }
    const issuer = payload.iss;
    if (typeof issuer !== 'string' || issuer === '') {
      throw new IdentityError('MISSING_CLAIM', 'token has no iss claim');
    }
    const { config, wildcard } = this.match(issuer);
    const maxTokenAge = config.maxTokenAge ?? DEFAULT_MAX_TOKEN_AGE;
    const keys = await this.keysFor(issuer, config, wildcard);
    let verified: JWTPayload;
    try {
      ({ payload: verified } = await jose.jwtVerify(token, keys.getKey, {
        issuer,
        audience: config.audience,
        algorithms: [...ALLOWED_ALGORITHMS],
        clockTolerance: this.clockTolerance,
        requiredClaims: ['iat', 'exp'],
        maxTokenAge: parseDuration(maxTokenAge),
      }));
    } catch (error) {
      throw verificationError(error, {
        issuer,
        audience: config.audience,
        payload,
        clockToleranceSeconds: this.clockTolerance,
        maxTokenAge,
        kid: header.kid,
      });
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof verified.iat === 'number' && verified.iat > now + this.clockTolerance) {
      throw new IdentityError(
        'TOKEN_NOT_YET_VALID',
        `token iat ${new Date(verified.iat * 1000).toISOString()} is in the future; now is ${new Date(now * 1000).toISOString()}, clock tolerance ${this.clockTolerance} s`,
      );
    }
    return buildPrincipal(config, issuer, verified);
  }

  /** The configured issuers in configuration order, for `GET /api/v2/configuration`. */
  describe(): IssuerDescription[] {
    return this.issuers.map((config) => ({
      ...(config.url !== undefined ? { issuerUrl: config.url } : {}),
      ...(config.wildcardUrl !== undefined ? { wildcardIssuerUrl: config.wildcardUrl } : {}),
      audience: config.audience,
      challengeClaim: config.type === 'email' ? 'email' : 'sub',
      issuerType: config.type,
      ...(config.subjectDomain !== undefined ? { subjectDomain: config.subjectDomain } : {}),
      ...(config.spiffeTrustDomain !== undefined
        ? { spiffeTrustDomain: config.spiffeTrustDomain }
        : {}),
    }));
  }

  /**
   * Runs discovery for the exact issuer `url` (the admin API's check before an issuer is added):
   * resolves with its `jwks_uri`, or rejects with an `ISSUER_UNAVAILABLE` {@link IdentityError}.
   */
  async discover(url: string): Promise<string> {
    const { config } = this.match(url);
    return (await this.keysFor(url, config, false)).jwksUri;
  }

  private match(issuer: string): { config: IssuerConfig; wildcard: boolean } {
    const exact = this.exact.get(issuer);
    if (exact !== undefined) return { config: exact, wildcard: false };
    const found = this.wildcards.find(({ matches }) => matches(issuer));
    if (found !== undefined) return { config: found.config, wildcard: true };
    throw new IdentityError(
      'UNKNOWN_ISSUER',
      `issuer ${quote(issuer)} is not configured on this CA`,
    );
  }

  private keysFor(issuer: string, config: IssuerConfig, wildcard: boolean): Promise<IssuerKeys> {
    const cache = wildcard ? this.wildcardKeys : this.keys;
    const cached = cache.get(issuer);
    if (cached !== undefined) {
      if (wildcard) {
        // Re-inserting keeps the Map in least-recently-used order.
        cache.delete(issuer);
        cache.set(issuer, cached);
      }
      return cached;
    }
    const pending = discoverIssuerKeys(issuer, {
      fetch:
        this.fetch ??
        (config.allowHttp === true ? (input, init) => fetch(input, init) : this.publicOnlyFetch),
      timeoutMs: this.timeoutMs,
      jwksCooldownMs: this.jwksCooldownMs,
      allowHttp: config.allowHttp === true,
      ...(wildcard || config.jwksInIssuerDomain === true
        ? { jwksInIssuerDomain: wildcard ? 'wildcard' : 'configured' }
        : {}),
    });
    cache.set(issuer, pending);
    // A failed discovery is forgotten, so the next token retries rather than failing forever.
    void pending.catch(() => {
      if (cache.get(issuer) === pending) cache.delete(issuer);
    });
    if (wildcard && cache.size > MAX_WILDCARD_ISSUERS) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    return pending;
  }
}

function decodeUnverified(token: string): {
  header: ProtectedHeaderParameters;
  payload: JWTPayload;
} {
  const parts = token.split('.').length;
  if (parts !== 3) {
    throw new IdentityError(
      'MALFORMED_TOKEN',
      `token must be a signed JWT (three base64url parts separated by '.'), got ${parts} part(s)`,
    );
  }
  let header: ProtectedHeaderParameters;
  try {
    header = jose.decodeProtectedHeader(token);
  } catch (error) {
    throw new IdentityError('MALFORMED_TOKEN', 'token header is not base64url-encoded JSON', {
      cause: error,
    });
  }
  try {
    return { header, payload: jose.decodeJwt(token) };
  } catch (error) {
    throw new IdentityError(
      'MALFORMED_TOKEN',
      'token payload is not a base64url-encoded JSON object',
      { cause: error },
    );
  }
}
