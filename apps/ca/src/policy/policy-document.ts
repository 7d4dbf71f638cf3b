import { ConfigError, type SignetConfig } from '@app/platform';
import { canonicalJson, type JsonValue, type PolicySnapshot } from '@app/signing';
import { type IssuerConfig, parseIssuers } from '../identity';
import type { StoredRule } from './evaluate';
import { matcherFor } from '@app/signing';
import { PolicyError } from './policy.error';
import { formatDuration, parseRules, type RuleSpec } from './rules.config';

/** The content of a policy: what a version fixes and an administrator edits. */
export interface PolicyContent {
  readonly issuers: readonly IssuerConfig[];
  readonly rules: readonly RuleSpec[];
}

/** Who owns the policy: SIGNET_CONFIG (`file`, the API is read-only) or the database. */
export type PolicySource = 'file' | 'database';

/** `policy.source` of SIGNET_CONFIG; `file` when absent. */
export function parsePolicySource(config: SignetConfig): PolicySource {
  const section = config.file.policy as { source?: unknown } | undefined;
  if (section === undefined || section === null) return 'file';
  if (typeof section !== 'object' || Array.isArray(section)) {
    throw new ConfigError(['SIGNET_CONFIG: policy must be a mapping such as {source: database}']);
  }
  const extra = Object.keys(section).filter((k) => k !== 'source');
  if (extra.length > 0) {
    throw new ConfigError([`SIGNET_CONFIG: policy.${extra[0]}: unknown setting`]);
  }
  const source = section.source ?? 'file';
  if (source !== 'file' && source !== 'database') {
    throw new ConfigError([
      `SIGNET_CONFIG: policy.source must be file (rules owned by this file) or database (owned by the admin API), got ${JSON.stringify(source)}`,
    ]);
  }
  return source;
}

/** A rule as a snapshot and `signet admin rules export` write it: the YAML form, with its id. */
export function ruleJson(rule: RuleSpec, id?: string): Record<string, JsonValue> {
  return {
    ...(id === undefined ? {} : { id }),
    name: rule.name,
    issuer: rule.issuer,
    subject: rule.subject,
    claims: { ...rule.claims },
    ...(rule.certificateLifetimeSeconds === null
      ? {}
      : { certificateLifetime: formatDuration(rule.certificateLifetimeSeconds) }),
    ...(rule.allowedKeyAlgorithms === null
      ? {}
      : { allowedKeyAlgorithms: [...rule.allowedKeyAlgorithms] }),
  };
}

/** An issuer in its YAML form (undefined fields left out, so that JCS is stable). */
export function issuerJson(issuer: IssuerConfig): Record<string, JsonValue> {
  return JSON.parse(JSON.stringify(issuer)) as Record<string, JsonValue>;
}

/**
 * Validates `raw` (`{issuers, rules}` in their YAML form, as the admin API and `signet admin rules
 * import` send them) with the same parsers as SIGNET_CONFIG.
 *
 * @throws PolicyError `INVALID_POLICY` naming every bad field (`rules[0].subject: …`).
 */
export function parsePolicyContent(
  raw: { issuers?: unknown; rules?: unknown },
  maxLifetimeSeconds: number,
): PolicyContent {
  const problems: string[] = [];
  let issuers: IssuerConfig[] = [];
  let rules: RuleSpec[] = [];
  try {
    issuers = parseIssuers(raw.issuers ?? []);
  } catch (err) {
    problems.push(...(err as Error).message.split('\n'));
  }
  try {
    rules = parseRules(stripIds(raw.rules), maxLifetimeSeconds);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems.map((p) => p.replace(/^SIGNET_CONFIG: /, '')));
  }
  if (problems.length > 0) throw new PolicyError('INVALID_POLICY', problems.join('; '));
  return { issuers, rules };
}

/** Rules as sent, without the `id` a snapshot or an export carries (ids are the server's). */
function stripIds(rules: unknown): unknown {
  if (!Array.isArray(rules)) return rules;
  return rules.map((r: unknown) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return r;
    const { id: _id, ...rest } = r as Record<string, unknown>;
    return rest;
  });
}

/**
 * Standard OIDC claims (OpenID Connect Core §2 and §5.1) and the ones every issuer type may carry.
 */
const STANDARD_CLAIMS = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'azp',
  'nonce',
  'auth_time',
  'acr',
  'amr',
  'email',
  'email_verified',
  'name',
  'preferred_username',
]);

/**
 * Claims of the issuer types whose tokens have a documented, fixed set of claims: GitHub Actions
 * (docs.github.com "About security hardening with OpenID Connect"), GitLab CI ID tokens (docs
 * "OpenID Connect (OIDC) Authentication Using ID Tokens") and Kubernetes service-account tokens.
 * Other types (a corporate IdP's `email`, `uri`, `username`, `spiffe`) may carry any claim.
 */
const CLAIMS_OF_TYPE: Partial<Record<IssuerConfig['type'], ReadonlySet<string>>> = {
  'github-workflow': new Set([
    'actor',
    'actor_id',
    'base_ref',
    'check_run_id',
    'enterprise',
    'enterprise_id',
    'environment',
    'event_name',
    'head_ref',
    'job_workflow_ref',
    'job_workflow_sha',
    'ref',
    'ref_protected',
    'ref_type',
    'repository',
    'repository_id',
    'repository_owner',
    'repository_owner_id',
    'repository_visibility',
    'run_attempt',
    'run_id',
    'run_number',
    'runner_environment',
    'sha',
    'workflow',
    'workflow_ref',
    'workflow_sha',
  ]),
  'gitlab-pipeline': new Set([
    'namespace_id',
    'namespace_path',
    'project_id',
    'project_path',
    'user_id',
    'user_login',
    'user_email',
    'user_access_level',
    'user_identities',
    'pipeline_id',
    'pipeline_source',
    'job_id',
    'ref',
    'ref_type',
    'ref_path',
    'ref_protected',
    'groups_direct',
    'environment',
    'environment_protected',
    'environment_action',
    'deployment_tier',
    'runner_id',
    'runner_environment',
    'sha',
    'project_visibility',
    'ci_config_ref_uri',
    'ci_config_sha',
    'job_namespace_id',
    'job_namespace_path',
    'job_project_id',
    'job_project_path',
  ]),
  kubernetes: new Set(['kubernetes.io']),
};

/**
 * Checks a proposed policy beyond its syntax, as only the admin API can (SIGNET_CONFIG is checked
 * for syntax alone, so that a file that worked keeps working): each rule's issuer pattern matches a
 * configured issuer, and each claim it names is one that some issuer it matches can produce.
 *
 * @throws PolicyError `INVALID_POLICY` naming each rule and claim.
 */
export function checkPolicySemantics(content: PolicyContent): void {
  const problems: string[] = [];
  content.rules.forEach((rule, index) => {
    const matcher = matcherFor(rule.issuer, 'label');
    const issuers = content.issuers.filter((i) =>
      i.url !== undefined ? matcher.matches(i.url) : i.wildcardUrl === rule.issuer,
    );
    if (issuers.length === 0) {
      problems.push(
        `rules[${index}].issuer (rule "${rule.name}"): ${JSON.stringify(rule.issuer)} matches no configured issuer`,
      );
      return;
    }
    const catalogues = issuers.map((i) => CLAIMS_OF_TYPE[i.type]);
    if (catalogues.some((c) => c === undefined)) return;
    for (const claim of Object.keys(rule.claims)) {
      if (STANDARD_CLAIMS.has(claim)) continue;
      if (catalogues.some((c) => c!.has(claim))) continue;
      const types = [...new Set(issuers.map((i) => i.type))].join(', ');
      problems.push(
        `rules[${index}].claims.${claim} (rule "${rule.name}"): no token of the issuers this rule matches (${types}) carries a claim ${JSON.stringify(claim)}`,
      );
    }
  });
  if (problems.length > 0) throw new PolicyError('INVALID_POLICY', problems.join('; '));
}

/** The snapshot of a policy version, with its rules' stable ids. */
export function policySnapshot(input: {
  version: number;
  previous: string | null;
  createdAt: Date;
  actor: PolicySnapshot['actor'];
  reason: string;
  content: PolicyContent;
  ruleIds: ReadonlyMap<string, string>;
  limits: PolicySnapshot['limits'];
}): PolicySnapshot {
  return {
    version: input.version,
    previous: input.previous,
    createdAt: input.createdAt.toISOString(),
    actor: JSON.parse(JSON.stringify(input.actor)) as PolicySnapshot['actor'],
    reason: input.reason,
    issuers: input.content.issuers.map(issuerJson),
    rules: input.content.rules.map((r) => ruleJson(r, idOf(input.ruleIds, r.name))),
    limits: { ...input.limits },
  };
}

function idOf(ids: ReadonlyMap<string, string>, name: string): string {
  const id = ids.get(name);
  if (id === undefined) throw new Error(`rule ${name} has no id`);
  return id;
}

/** The content of a stored snapshot and its rules with their ids, in order. */
export function contentOfSnapshot(snapshot: PolicySnapshot): {
  content: PolicyContent;
  rules: StoredRule[];
} {
  const content = parsePolicyContent(
    { issuers: snapshot.issuers, rules: snapshot.rules },
    // A stored rule above a since-lowered maximum is cut at evaluation, not refused here.
    Number.MAX_SAFE_INTEGER,
  );
  const rules = content.rules.map((spec, position) => {
    const id = (snapshot.rules[position] as { id?: unknown }).id;
    if (typeof id !== 'string') throw new Error(`snapshot v${snapshot.version}: rule without id`);
    return { ...spec, id, position };
  });
  return { content, rules };
}

/** Whether two policies have the same content (issuers and rules, in order). */
export function sameContent(a: PolicyContent, b: PolicyContent): boolean {
  // Canonical JSON: claim order means nothing (all must match), and snapshots are stored as JCS.
  const key = (c: PolicyContent) =>
    canonicalJson({ issuers: c.issuers.map(issuerJson), rules: c.rules.map((r) => ruleJson(r)) });
  return key(a) === key(b);
}
