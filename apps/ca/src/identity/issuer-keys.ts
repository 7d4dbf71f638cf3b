import { Logger } from '@nestjs/common';
import { getDomain } from 'tldts';
import { boundedFetch, isTooLarge } from './bounded-fetch';
import { IdentityError, quote } from './identity.error';
import { checkFetchableUrl } from './issuer-url';
import { jose, type JWTVerifyGetKey } from './jose';
import { addressRefusal } from './public-fetch';

/** How {@link discoverIssuerKeys} reaches the network. */
export interface IssuerKeysOptions {
  fetch: typeof fetch;
  /** Per request, discovery and JWKS alike. */
  timeoutMs: number;
  /** Minimum time between two JWKS refetches triggered by an unknown `kid`. */
  jwksCooldownMs: number;
  /** The issuer's `allowHttp`: permits an http `jwks_uri` on a loopback host. */
  allowHttp: boolean;
  /**
   * Who requires the `jwks_uri` to be in the issuer's domain (same host, or the same registrable
   * domain by the Public Suffix List; an IP address or `localhost` only as itself): `wildcard`
   * for an issuer matched by a wildcard, whose operator is not vetted; `configured` for an
   * issuer with `jwksInIssuerDomain: true`. Absent: any fetchable `jwks_uri`.
   */
  jwksInIssuerDomain?: 'wildcard' | 'configured';
}

const logger = new Logger('IssuerKeys');

/**
 * An ISSUER_UNAVAILABLE naming what could not be fetched, but not why: socket codes and timeouts
 * would tell a token holder whether a port behind the CA is open. The reason goes to the log.
 */
function unavailable(what: string, reason: string, cause: unknown): IdentityError {
  logger.warn(`${what}: ${reason}`);
  return new IdentityError('ISSUER_UNAVAILABLE', what, { cause });
}

/** The verification keys of one issuer. */
export interface IssuerKeys {
  jwksUri: string;
  /**
   * A jose key resolver over the remote JWKS (cached; refetched on an unknown `kid` once the
   * cooldown has passed). Failures are thrown as {@link IdentityError}.
   */
  getKey: JWTVerifyGetKey;
}

/** Largest discovery document or JWKS read, in bytes: real ones are a few kilobytes. */
const MAX_ANSWER_BYTES = 256 * 1024;

/**
 * OpenID Connect Discovery 1.0 §4: fetches `<issuer>/.well-known/openid-configuration` (no
 * redirects), requires its `issuer` to equal `issuer` exactly (§4.3) and its `jwks_uri` to be https
 * (or loopback http with `allowHttp`), and returns a key resolver for that JWKS.
 * Requires `issuer` to be configured: callers match it against configuration first.
 *
 * @throws IdentityError `ISSUER_UNAVAILABLE` naming the URL and what went wrong.
 */
export async function discoverIssuerKeys(
  issuer: string,
  options: IssuerKeysOptions,
): Promise<IssuerKeys> {
  const discoveryUrl = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const fetchBounded = boundedFetch(options.fetch, MAX_ANSWER_BYTES);
  const document = await fetchJsonObject(discoveryUrl, fetchBounded, options.timeoutMs);
  const invalid = (problem: string): IdentityError =>
    new IdentityError('ISSUER_UNAVAILABLE', `discovery document ${discoveryUrl} ${problem}`);
  if (document['issuer'] !== issuer) {
    throw invalid(`names issuer ${quote(document['issuer'])}, not ${quote(issuer)}`);
  }
  const rawJwksUri = document['jwks_uri'];
  if (typeof rawJwksUri !== 'string') throw invalid('has no jwks_uri');
  let jwksUrl: URL;
  try {
    jwksUrl = new URL(rawJwksUri);
  } catch {
    throw invalid(`has a jwks_uri that is not a URL: ${quote(rawJwksUri)}`);
  }
  const problem = checkFetchableUrl(jwksUrl, options.allowHttp);
  if (problem !== undefined) throw invalid(`has jwks_uri ${quote(rawJwksUri)}: ${problem}`);
  const domainRule = options.jwksInIssuerDomain;
  if (domainRule !== undefined && !sameDomain(jwksUrl.hostname, new URL(issuer).hostname)) {
    const who = domainRule === 'wildcard' ? 'a wildcard issuer' : "the issuer's jwksInIssuerDomain";
    throw invalid(
      `has jwks_uri ${quote(rawJwksUri)} outside the issuer's domain, which ${who} requires`,
    );
  }

  const jwksUri = jwksUrl.href;
  const remote = jose.createRemoteJWKSet(jwksUrl, {
    timeoutDuration: options.timeoutMs,
    cooldownDuration: options.jwksCooldownMs,
    [jose.customFetch]: (url, init) => fetchBounded(url, init),
  });
  const getKey: JWTVerifyGetKey = async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      // Several keys fit a token without `kid` (e.g. during rotation): jose leaves the choice to us.
      if (isMultipleMatch(error)) {
        for await (const key of error) {
          if (
            await jose.flattenedVerify(token, key).then(
              () => true,
              () => false,
            )
          )
            return key;
        }
      }
      throw keyLookupError(error, header, jwksUri, options.timeoutMs);
    }
  };
  return { jwksUri, getKey };
}

async function fetchJsonObject(
  url: string,
  fetchBounded: typeof fetch,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  let response: Response;
  let text: string;
  try {
    response = await fetchBounded(url, {
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json' },
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new IdentityError('ISSUER_UNAVAILABLE', `${url} answered HTTP ${response.status}`);
    }
    text = await response.text();
  } catch (error) {
    if (error instanceof IdentityError) throw error;
    if (isTooLarge(error)) {
      throw new IdentityError(
        'ISSUER_UNAVAILABLE',
        `${url} is larger than ${MAX_ANSWER_BYTES} bytes`,
      );
    }
    throw unavailable(`could not fetch ${url}`, failureReason(error, timeoutMs), error);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new IdentityError('ISSUER_UNAVAILABLE', `${url} is not JSON`, { cause: error });
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new IdentityError('ISSUER_UNAVAILABLE', `${url} is not a JSON object`);
  }
  return document as Record<string, unknown>;
}

type CandidateKey = Awaited<ReturnType<JWTVerifyGetKey>>;

function isMultipleMatch(error: unknown): error is AsyncIterable<CandidateKey> {
  return (error as { code?: unknown } | null)?.code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS';
}

/**
 * Why a request failed, in words, for the log: a refused address (host, address and its class),
 * a timeout, jose's error code and message, or the socket error code (ECONNREFUSED, ENOTFOUND).
 */
function failureReason(error: unknown, timeoutMs: number): string {
  const refused = addressRefusal(error);
  if (refused !== undefined) return refused.message;
  const { name, code, message, cause } = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    cause?: unknown;
  };
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'ERR_JWKS_TIMEOUT') {
    return `timed out after ${timeoutMs} ms`;
  }
  if (code !== undefined) return `${code}: ${message ?? ''}`;
  const socketCode = (cause as { code?: unknown } | undefined)?.code;
  return typeof socketCode === 'string' ? socketCode : (message ?? String(error));
}

function keyLookupError(
  error: unknown,
  header: { kid?: string; alg?: string },
  jwksUri: string,
  timeoutMs: number,
): IdentityError {
  const { code } = (error ?? {}) as { code?: string };
  const kid = header.kid === undefined ? 'no kid' : `kid ${quote(header.kid)}`;
  if (isTooLarge(error)) {
    return new IdentityError(
      'ISSUER_UNAVAILABLE',
      `JWKS ${jwksUri} is larger than ${MAX_ANSWER_BYTES} bytes`,
      { cause: error },
    );
  }
  switch (code ?? '') {
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return new IdentityError(
        'INVALID_SIGNATURE',
        `no key in the issuer's JWKS ${jwksUri} matches the token's ${kid} and alg ${quote(header.alg)}`,
        { cause: error },
      );
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new IdentityError(
        'INVALID_SIGNATURE',
        `several keys in ${jwksUri} match the token's ${kid}; the signature verifies with none`,
        { cause: error },
      );
    default:
      return unavailable(`could not fetch JWKS ${jwksUri}`, failureReason(error, timeoutMs), error);
  }
}

/**
 * Same host, or the same registrable domain by the Public Suffix List, private section included:
 * `keys.example.com` for `accounts.example.com`, but not `evil.github.io` for `acme.github.io`,
 * which Fulcio's "same last two labels" would accept. Hosts without a registrable domain (IP
 * addresses, `localhost`) only as themselves.
 */
function sameDomain(host: string, issuerHost: string): boolean {
  if (host === issuerHost) return true;
  const domain = getDomain(host, { allowPrivateDomains: true, extractHostname: false });
  return (
    domain !== null &&
    domain === getDomain(issuerHost, { allowPrivateDomains: true, extractHostname: false })
  );
}
