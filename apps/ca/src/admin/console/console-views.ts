/* The admin services' results as the console's view models: display-ready text, no rendering. */
import type { JsonValue } from '@app/signing';
import type { IssuerConfig } from '../../identity';
import { formatDuration, type PolicyVersionRow, type StoredRule } from '../../policy';
import type { AdminPrincipal } from '../auth/principal';
import type { IssuanceView } from '../policy-api/issuances.repository';
import type { ApiTokenMetadata } from '../tokens/api-tokens.service';
import type {
  ApiTokenRow,
  AuditRow,
  ConsoleRole,
  IssuanceRow,
  IssuerRow,
  PolicyVersionRow as PolicyVersionRowView,
  RuleRow,
} from './view-models';

/** A time as people read it in a table: `2026-05-01 12:00:00 UTC`. */
export function displayTime(at: Date | string): string {
  const iso = (typeof at === 'string' ? new Date(at) : at).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function ruleRow(rule: StoredRule): RuleRow {
  return {
    id: rule.id,
    name: rule.name,
    position: rule.position,
    issuer: rule.issuer,
    subject: rule.subject,
    claims: Object.entries(rule.claims).map(([name, condition]) => ({
      name,
      condition: String(condition),
    })),
    lifetime:
      rule.certificateLifetimeSeconds === null
        ? null
        : formatDuration(rule.certificateLifetimeSeconds),
    keyAlgorithms: rule.allowedKeyAlgorithms === null ? null : [...rule.allowedKeyAlgorithms],
  };
}

const ISSUER_DETAILS: ReadonlyArray<readonly [keyof IssuerConfig, string]> = [
  ['subjectDomain', 'Subject domain'],
  ['spiffeTrustDomain', 'SPIFFE trust domain'],
  ['allowHttp', 'Plain http (development)'],
  ['skipEmailVerification', 'Unverified e-mail accepted'],
  ['jwksInIssuerDomain', 'Keys in the issuer domain only'],
  ['maxTokenAge', 'Oldest token accepted'],
];

export function issuerRow(issuer: IssuerConfig, index: number): IssuerRow {
  return {
    id: String(index),
    url: issuer.url ?? issuer.wildcardUrl ?? '',
    type: issuer.type,
    audience: issuer.audience,
    details: ISSUER_DETAILS.flatMap(([key, label]) => {
      const value = issuer[key];
      return value === undefined ? [] : [{ label, value: String(value) }];
    }),
  };
}

/** An issuance; `logUrl` is the log's public URL, where its CT entry's proof is served. */
export function issuanceRow(row: IssuanceView, logUrl: string): IssuanceRow {
  return {
    serial: row.serial,
    identity: row.identity,
    issuer: row.issuer,
    rule: row.rule.name,
    policyVersion: row.policyVersion === null ? null : String(row.policyVersion),
    keyAlgorithm: row.keyAlgorithm,
    issuedAt: displayTime(row.issuedAt),
    notAfter: displayTime(row.notAfter),
    ctEntry:
      row.ctLeafHash === null
        ? null
        : {
            index: `${Buffer.from(row.ctLeafHash, 'base64').toString('hex').slice(0, 12)}…`,
            url: `${logUrl}/ct/v1/get-proof-by-hash?hash=${encodeURIComponent(row.ctLeafHash)}`,
          },
  };
}

/** A policy version; `logUrl` is the log's public URL (Rekor v1 entries by uuid). */
export function policyVersionRow(
  row: PolicyVersionRow,
  head: number,
  logUrl: string,
): PolicyVersionRowView {
  const actor = row.actor;
  return {
    version: String(row.version),
    digest: row.digest,
    actor: actor.display ?? actor.subject ?? (actor.kind === 'file' ? 'SIGNET_CONFIG' : actor.kind),
    actorKind: actor.kind,
    reason: row.reason,
    createdAt: displayTime(row.createdAt),
    logEntry:
      row.log === null
        ? null
        : {
            index: row.log.logIndex.toString(),
            uuid: row.log.uuid,
            url: `${logUrl}/api/v1/log/entries/${encodeURIComponent(row.log.uuid)}`,
          },
    current: row.version === head,
  };
}

/** An event of `GET /api/admin/v1/audit` (JSON, as the hash chain stores it). */
export function auditRow(event: JsonValue): AuditRow {
  const e = (typeof event === 'object' && event !== null && !Array.isArray(event) ? event : {}) as {
    readonly [key: string]: JsonValue | undefined;
  };
  const text = (key: string): string | undefined => {
    const v = e[key];
    if (typeof v === 'string') return v;
    return typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  };
  const optional = (key: 'target' | 'httpStatus' | 'reason' | 'requestId') => {
    const value = text(key);
    return value === undefined ? {} : { [key]: value };
  };
  const after = text('policyVersionAfter');
  return {
    at: displayTime(text('at') ?? new Date(0).toISOString()),
    actor: text('actorDisplay') ?? text('actorSubject') ?? 'anonymous',
    action: text('action') ?? '',
    outcome: text('outcome') === 'success' ? 'success' : 'failure',
    ...optional('target'),
    ...optional('httpStatus'),
    ...optional('reason'),
    ...optional('requestId'),
    ...(after === undefined
      ? {}
      : { policyVersions: `v${text('policyVersionBefore') ?? '?'} → v${after}` }),
  };
}

export function apiTokenRow(token: ApiTokenMetadata): ApiTokenRow {
  return {
    id: token.id,
    name: token.name,
    role: token.role as ConsoleRole,
    last4: token.last4,
    createdBy: token.createdBy.display,
    createdAt: displayTime(token.createdAt),
    expiresAt: displayTime(token.expiresAt),
    lastUsedAt: token.lastUsedAt === null ? null : displayTime(token.lastUsedAt),
    revokedAt: token.revokedAt === null ? null : displayTime(token.revokedAt),
  };
}

/** The roles `principal` may give a token: its own and below. */
export function grantableRoles(principal: AdminPrincipal): ConsoleRole[] {
  const order: ConsoleRole[] = ['viewer', 'editor', 'owner'];
  return order.slice(0, order.indexOf(principal.role) + 1);
}
