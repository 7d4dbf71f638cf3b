import { z } from 'zod';
import { fieldPath } from '@app/platform';
import { parseDuration } from '../policy/rules.config';
import { checkIssuerUrl, checkSameDomain, checkWildcardUrl } from './issuer-url';

/** The issuer types, with Fulcio's names and semantics (`pkg/config/config.go`). */
const ISSUER_TYPES = [
  'email',
  'github-workflow',
  'gitlab-pipeline',
  'kubernetes',
  'spiffe',
  'uri',
  'username',
] as const;

/** How the claims of an issuer's tokens become a certificate identity. */
export type IssuerType = (typeof ISSUER_TYPES)[number];

/** One entry of the YAML `issuers:` list, as returned by {@link parseIssuers}. */
export interface IssuerConfig {
  /** Exact issuer URL, compared with the token's `iss` character for character. */
  url?: string;
  /** A meta-issuer such as `https://oidc.eks.*.amazonaws.com/id/*`; `*` = `[-_a-zA-Z0-9]+`, anchored. */
  wildcardUrl?: string;
  /** The `aud` the token must carry. */
  audience: string;
  type: IssuerType;
  /**
   * Development issuers: permits plain http, and only to loopback hosts (127.0.0.0/8, ::1,
   * localhost), and lifts the refusal of non-public addresses (see `publicOnlyFetch`).
   */
  allowHttp?: boolean;
  /** `email` type: accept tokens without `email_verified: true` (Entra ID, ADFS). */
  skipEmailVerification?: boolean;
  /** `uri` type: scheme and host every `sub` must have. `username` type: the `!domain` suffix. */
  subjectDomain?: string;
  /** `spiffe` type: the trust domain every `sub` must belong to. */
  spiffeTrustDomain?: string;
  /**
   * Refuse a discovery document whose `jwks_uri` is not on the issuer's host or registrable
   * domain (Public Suffix List). Always so for wildcard issuers; off by default for exact ones,
   * since some keep their keys elsewhere (Google: accounts.google.com, keys on googleapis.com).
   */
  jwksInIssuerDomain?: boolean;
  /** Oldest token accepted, by its `iat`, as a duration (`10m`, `1h`); default {@link DEFAULT_MAX_TOKEN_AGE}. */
  maxTokenAge?: string;
}

/** Tokens older than this (by `iat`) are refused unless the issuer sets `maxTokenAge`. */
export const DEFAULT_MAX_TOKEN_AGE = '1h';

type Problem = readonly [field: keyof IssuerConfig, message: string];

const issuerSchema = z
  .strictObject({
    url: z.string().min(1).optional(),
    wildcardUrl: z.string().min(1).optional(),
    audience: z.string().min(1),
    type: z.enum(ISSUER_TYPES),
    allowHttp: z.boolean().optional(),
    skipEmailVerification: z.boolean().optional(),
    subjectDomain: z.string().min(1).optional(),
    spiffeTrustDomain: z.string().min(1).optional(),
    jwksInIssuerDomain: z.boolean().optional(),
    maxTokenAge: z
      .string()
      .refine((v) => (parseDuration(v) ?? 0) > 0, 'must be a duration such as 90s, 10m or 1h')
      .optional(),
  })
  .superRefine((issuer, ctx) => {
    for (const [field, message] of problemsOf(issuer)) {
      ctx.addIssue({ code: 'custom', path: [field], message });
    }
  });

const issuersSchema = z.array(issuerSchema).superRefine((issuers, ctx) => {
  const seen = new Set<string>();
  issuers.forEach((issuer, index) => {
    const key = issuer.url ?? issuer.wildcardUrl ?? '';
    const field = issuer.url !== undefined ? 'url' : 'wildcardUrl';
    if (seen.has(key)) {
      ctx.addIssue({ code: 'custom', path: [index, field], message: `${key} is listed twice` });
    }
    seen.add(key);
  });
});

/**
 * Validates the YAML `issuers:` section. `undefined` or `null` (no section) yields no issuers.
 *
 * @throws Error whose message names each bad field, one per line, e.g.
 *   `issuers[1].url: plain http is allowed only for loopback issuers with allowHttp: true`.
 */
export function parseIssuers(raw: unknown): IssuerConfig[] {
  if (raw === undefined || raw === null) return [];
  const result = issuersSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map(
    (issue) => `${fieldPath('issuers', issue.path)}: ${issue.message}`,
  );
  throw new Error(lines.join('\n'));
}

function problemsOf(issuer: IssuerConfig): Problem[] {
  const problems: Problem[] = [];
  const allowHttp = issuer.allowHttp === true;
  if ((issuer.url === undefined) === (issuer.wildcardUrl === undefined)) {
    problems.push(['url', 'set exactly one of url or wildcardUrl']);
    return problems;
  }
  const urlProblem =
    issuer.url !== undefined
      ? checkIssuerUrl(issuer.url, allowHttp)
      : checkWildcardUrl(issuer.wildcardUrl ?? '', allowHttp);
  if (urlProblem !== undefined) {
    problems.push([issuer.url !== undefined ? 'url' : 'wildcardUrl', urlProblem]);
    return problems;
  }
  if (issuer.wildcardUrl !== undefined && issuer.type === 'spiffe') {
    problems.push([
      'wildcardUrl',
      'spiffe issuers cannot be wildcards: one issuer per trust domain',
    ]);
  }
  if (issuer.skipEmailVerification !== undefined && issuer.type !== 'email') {
    problems.push(['skipEmailVerification', 'applies only to issuers of type email']);
  }
  const issuerUrl = new URL((issuer.url ?? issuer.wildcardUrl ?? '').replaceAll('*', 'x'));
  const domainProblem = subjectDomainProblem(issuer, issuerUrl);
  if (domainProblem !== undefined) problems.push(['subjectDomain', domainProblem]);
  const trustDomain = issuer.spiffeTrustDomain;
  if (issuer.type === 'spiffe') {
    if (trustDomain === undefined) problems.push(['spiffeTrustDomain', 'required for spiffe']);
    else if (!/^[a-z0-9._-]{1,255}$/.test(trustDomain)) {
      problems.push(['spiffeTrustDomain', 'must be a trust domain name: [a-z0-9._-], no scheme']);
    }
  } else if (trustDomain !== undefined) {
    problems.push(['spiffeTrustDomain', 'applies only to issuers of type spiffe']);
  }
  return problems;
}

function subjectDomainProblem(issuer: IssuerConfig, issuerUrl: URL): string | undefined {
  const domain = issuer.subjectDomain;
  if (issuer.type !== 'uri' && issuer.type !== 'username') {
    return domain === undefined ? undefined : 'applies only to issuers of type uri or username';
  }
  if (domain === undefined) return `required for ${issuer.type}`;
  if (issuer.type === 'username') {
    if (!/^[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)*$/.test(domain)) {
      return 'must be a host name without a scheme, e.g. example.com';
    }
    return checkSameDomain(domain.toLowerCase(), issuerUrl.hostname);
  }
  let url: URL;
  try {
    url = new URL(domain);
  } catch {
    return 'must be a URL with a scheme, e.g. https://example.com';
  }
  if (url.protocol !== issuerUrl.protocol) {
    return `scheme ${url.protocol} must match the issuer's scheme ${issuerUrl.protocol}`;
  }
  return checkSameDomain(url.hostname, issuerUrl.hostname);
}
