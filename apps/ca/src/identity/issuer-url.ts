/**
 * Rules for issuer URLs, pure string functions shared by config validation and token matching.
 * An issuer URL is where the CA will send HTTP requests, so these rules are what keeps a token's
 * `iss` from pointing the CA at arbitrary hosts (SSRF, GHSA-59jp-pj84-45mr).
 */
import { getPublicSuffix } from 'tldts';

/** What one `*` of a wildcard issuer URL matches: Fulcio's MetaRegex class, never `.` or `/`. */
const WILDCARD_LABEL = /^[-_a-zA-Z0-9]+$/;

const WHOLE_WILDCARD = "each '*' must be a whole host label or path segment";

/** The message for plain http on a host that is not loopback, or without `allowHttp`. */
export const HTTP_NEEDS_LOOPBACK =
  'plain http is allowed only for loopback issuers with allowHttp: true';

/** True for `localhost`, 127.0.0.0/8 and `::1`, given a WHATWG `URL.hostname`. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * Checks that `url` may be fetched: https, or http to a loopback host when `allowHttp` is set.
 * Returns the problem, or undefined when the URL is acceptable.
 */
export function checkFetchableUrl(url: URL, allowHttp: boolean): string | undefined {
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return allowHttp && isLoopbackHost(url.hostname) ? undefined : HTTP_NEEDS_LOOPBACK;
  }
  return `scheme ${url.protocol} is not allowed; use https`;
}

/**
 * Checks an exact issuer URL from configuration: absolute, fetchable (see
 * {@link checkFetchableUrl}), without credentials, query, fragment or `*`.
 * Returns the problem, or undefined when the URL is acceptable.
 */
export function checkIssuerUrl(raw: string, allowHttp: boolean): string | undefined {
  if (raw.includes('*')) return "contains '*'; use wildcardUrl for a meta-issuer";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.search !== '' || url.hash !== '') return 'must not contain a query or fragment';
  return checkFetchableUrl(url, allowHttp);
}

/**
 * Checks a wildcard (meta-issuer) URL such as `https://oidc.eks.*.amazonaws.com/id/*`. Each `*`
 * is a whole host label or path segment (not `**`, not `ci-*`), and not in the scheme, port, the
 * last two host labels or the registrable domain by the Public Suffix List (a wildcard there would
 * let tokens name hosts that anyone can register). http needs a literal loopback host.
 * Returns the problem, or undefined when the pattern is acceptable.
 */
export function checkWildcardUrl(pattern: string, allowHttp: boolean): string | undefined {
  const parts = /^(https?):\/\/([^/?#@]+)(\/[^?#]*)?$/.exec(pattern);
  if (parts === null) {
    return 'must look like https://host/path with no credentials, query or fragment';
  }
  if (!pattern.includes('*')) return "has no '*'; use url for a single issuer";
  const authority = parts[2] ?? '';
  const colon = authority.lastIndexOf(':');
  const host = colon >= 0 && !authority.endsWith(']') ? authority.slice(0, colon) : authority;
  const port = host === authority ? '' : authority.slice(colon + 1);
  if (!/^\d*$/.test(port)) return "must not have '*' in the port";
  const labels = host.split('.');
  if (labels.length < 2 || labels.slice(-2).some((label) => label.includes('*'))) {
    return "must not have '*' in the last two labels of the host";
  }
  const suffixProblem = publicSuffixProblem(labels);
  if (suffixProblem !== undefined) return suffixProblem;
  // A `*` that shares its label with anything (`**`, `ci-*-*`) is what made the old regex
  // backtrack; whole-label wildcards are also what Fulcio's meta-issuers use.
  if (pattern.includes('**')) return `has adjacent wildcards "**"; ${WHOLE_WILDCARD}`;
  const partialLabel = labels.find((label) => label.includes('*') && label !== '*');
  if (partialLabel !== undefined) {
    return `has '*' inside the host label "${partialLabel}"; ${WHOLE_WILDCARD}`;
  }
  const segments = (parts[3] ?? '').split('/');
  const partialSegment = segments.find((segment) => segment.includes('*') && segment !== '*');
  if (partialSegment !== undefined) {
    return `has '*' inside the path segment "${partialSegment}"; ${WHOLE_WILDCARD}`;
  }
  let url: URL;
  try {
    url = new URL(pattern.replaceAll('*', 'x'));
  } catch {
    return 'is not an absolute URL';
  }
  return checkFetchableUrl(url, allowHttp);
}

/** Stands for a `*` when asking the Public Suffix List: a label that no rule of the list names. */
const NEUTRAL_LABEL = 'signet-wildcard';

/**
 * Whether a `*` among the host `labels` falls in a public suffix or directly under one, where
 * anyone can register a name (`*.github.io`, `*.s3.amazonaws.com`, `*.co.uk`): the registrable
 * domain must be literal. Asks the Public Suffix List, private section included, about the host
 * with each `*` replaced by a label the list does not name, so a wildcard rule of the list
 * (`*.kawasaki.jp`) still counts. A `*` is not tried as every label it could match: for
 * `oidc.eks.*.amazonaws.com`, `*` = `s3` or `us-east-1` names suffixes of the list, but those are
 * Amazon's own DNS, and refusing them would refuse the EKS meta-issuer.
 */
function publicSuffixProblem(labels: readonly string[]): string | undefined {
  if (!labels.includes('*')) return undefined;
  const neutral = labels.map((label) => (label === '*' ? NEUTRAL_LABEL : label.toLowerCase()));
  const suffix = getPublicSuffix(neutral.join('.'), { allowPrivateDomains: true });
  // No answer only for hosts the list cannot parse; default deny.
  const suffixLength = suffix === null ? labels.length : suffix.split('.').length;
  const inSuffix = labels.slice(-suffixLength).join('.');
  const where = (text: string): string =>
    `must not have '*' ${text}, where anyone can register a name (Public Suffix List)`;
  if (inSuffix.includes('*')) return where(`in the public suffix "${inSuffix}"`);
  if (labels.at(-suffixLength - 1) === '*') {
    return where(`directly under the public suffix "${inSuffix}"`);
  }
  return undefined;
}

/**
 * Compiles a wildcard issuer URL, as {@link checkWildcardUrl} accepts it, into an anchored matcher:
 * every character is literal except `*`, which matches one or more of `[-_a-zA-Z0-9]` (so never
 * `.`, `/`, `:`, `?` or `@`). Matching splits the value at `.` and `/` and compares piece by piece,
 * so it is linear in the value, with no regex over the unverified `iss` to backtrack.
 * Throws when a `*` is not a whole piece between `.`/`/` (checkWildcardUrl refuses those).
 */
export function compileWildcardUrl(pattern: string): (value: string) => boolean {
  const expected = pattern.split(PIECES);
  if (expected.some((piece) => piece.includes('*') && piece !== '*')) {
    throw new Error(`wildcard URL ${pattern}: ${WHOLE_WILDCARD}`);
  }
  return (value) => {
    const pieces = value.split(PIECES);
    return (
      pieces.length === expected.length &&
      expected.every((piece, i) =>
        piece === '*' ? WILDCARD_LABEL.test(pieces[i]!) : piece === pieces[i],
      )
    );
  };
}

/** Splits at `.` and `/`, keeping them as pieces of their own. */
const PIECES = /([./])/;

/**
 * Fulcio's `validateAllowedDomain`: two hostnames are under the same owner when they are equal or
 * share their last two labels (`users.example.com` and `accounts.example.com`). Returns the
 * problem, or undefined when they match.
 */
export function checkSameDomain(subjectHost: string, issuerHost: string): string | undefined {
  if (subjectHost === issuerHost) return undefined;
  const subject = subjectHost.split('.');
  const issuer = issuerHost.split('.');
  if (subject.length < 2 || issuer.length < 2) {
    return `hostname ${subjectHost} must equal the issuer's host ${issuerHost}`;
  }
  if (subject.slice(-2).join('.') !== issuer.slice(-2).join('.')) {
    return `hostname ${subjectHost} is not in the issuer's domain (${issuer.slice(-2).join('.')})`;
  }
  return undefined;
}
