import { Inject, Injectable } from '@nestjs/common';
import {
  type PolicyActor,
  type PolicySnapshot,
  policyStatementBytes,
  toBase64,
} from '@app/signing';
import { IdentityError, OidcVerifier, type IssuerConfig } from '../../identity';
import {
  checkPolicySemantics,
  issuerJson,
  parsePolicyContent,
  type PolicyContent,
  PolicyError,
  POLICY_LIMITS,
  PolicyLog,
  type PolicyLimits,
  PolicyService,
  type PolicySource,
  type PolicyState,
  PolicyVersionsRepository,
  type PolicyVersionRow,
  ruleJson,
  type RuleSpec,
  type StoredRule,
} from '../../policy';
import { CaError } from '../../errors';
import { RateLimitRepository } from '../../issuance/rate-limit.repository';
import { RateLimiter } from '../../issuance/rate-limiter';
import type { AdminPrincipal } from '../auth/principal';
import { AdminAuditLog } from '../audit/admin-audit';
import { describeOutcome, type EvaluateAnswer } from './dry-run-answer';
import {
  IssuanceHistoryRepository,
  type IssuanceFilter,
  type IssuanceView,
} from './issuances.repository';

/** Dry runs one admin (person or token) may make per minute, across CA processes. */
export const DRY_RUNS_PER_MINUTE = 120;

/** A policy change as the API receives it, once authenticated. */
export interface ChangeRequest {
  readonly principal: AdminPrincipal;
  /** `If-Match` as sent: `"v<N>"`. */
  readonly ifMatch: string | undefined;
  readonly reason: unknown;
  readonly requestId?: string;
  readonly clientAddress?: string;
}

/** What the dry run is asked. */
export interface EvaluateInput {
  readonly token?: unknown;
  readonly issuer?: unknown;
  readonly subject?: unknown;
  readonly claims?: unknown;
  readonly keyAlgorithm?: unknown;
  readonly version?: unknown;
}

/** The admin API's view of the policy: reads, validated changes, the dry run. */
@Injectable()
export class AdminPolicyService {
  constructor(
    private readonly policy: PolicyService,
    private readonly versions: PolicyVersionsRepository,
    private readonly log: PolicyLog,
    private readonly audit: AdminAuditLog,
    private readonly history: IssuanceHistoryRepository,
    @Inject(POLICY_LIMITS) private readonly limits: PolicyLimits,
    rateLimits: RateLimitRepository,
  ) {
    this.dryRuns = new RateLimiter(rateLimits, DRY_RUNS_PER_MINUTE);
  }

  private readonly dryRuns: RateLimiter;

  /** The issuance history, newest first. */
  issuances(filter: IssuanceFilter): Promise<IssuanceView[]> {
    return this.history.find(filter);
  }

  /** The head as this process holds it. */
  head(): PolicyState {
    return this.policy.current();
  }

  /** `ETag` of a version. */
  etag(version: number): string {
    return `"v${version}"`;
  }

  /** Who owns the policy: the database (the API changes it) or SIGNET_CONFIG (read-only). */
  source(): PolicySource {
    return this.policy.source;
  }

  /** Stored versions, newest first (`before`: only versions below it). */
  versionRows(limit: number, before?: number): Promise<PolicyVersionRow[]> {
    return this.versions.list(limit, before);
  }

  policyKeyPem(): string {
    return this.log.publicKeyPem();
  }

  view(state: PolicyState = this.head(), row?: PolicyVersionRow): Record<string, unknown> {
    return {
      version: state.version,
      digest: state.digest,
      source: this.policy.source,
      ...(row === undefined ? {} : { log: logView(row) }),
      issuers: state.content.issuers.map(issuerJson),
      rules: state.rules.map((r) => ruleJson(r, r.id)),
    };
  }

  async headRow(): Promise<PolicyVersionRow | undefined> {
    return this.versions.get(this.head().version);
  }

  async listVersions(limit: number, before?: number): Promise<Array<Record<string, unknown>>> {
    const rows = await this.versionRows(limit, before);
    return rows.map((row) => ({
      version: row.version,
      digest: row.digest,
      previous: row.previousDigest,
      createdAt: row.createdAt.toISOString(),
      actor: row.actor,
      reason: row.reason,
      log: logView(row),
    }));
  }

  /** One version: its exact snapshot bytes (base64) and everything to check them against the log. */
  async version(version: number): Promise<Record<string, unknown>> {
    const row = await this.versions.get(version);
    if (row === undefined) throw new PolicyError('NOT_FOUND', `no policy version ${version}`);
    const snapshot = JSON.parse(row.snapshot.toString('utf8')) as PolicySnapshot;
    return {
      version: row.version,
      digest: row.digest,
      previous: row.previousDigest,
      snapshot,
      snapshotBytes: toBase64(row.snapshot),
      statement: toBase64(policyStatementBytes(snapshot, row.digest)),
      signature: toBase64(row.signature),
      log: logView(row),
    };
  }

  rule(name: string): StoredRule {
    const rule = this.head().rules.find((r) => r.name === name);
    if (rule === undefined)
      throw new PolicyError('NOT_FOUND', `no rule named ${JSON.stringify(name)}`);
    return rule;
  }

  issuer(key: string): IssuerConfig {
    const issuer = this.head().content.issuers.find((i) => (i.url ?? i.wildcardUrl) === key);
    if (issuer === undefined)
      throw new PolicyError('NOT_FOUND', `no issuer ${JSON.stringify(key)}`);
    return issuer;
  }

  /** Validates a rule as {@link createRule} would, changing nothing (the console's form check). */
  checkRule(raw: unknown): void {
    this.parseRule(raw);
  }

  createRule(request: ChangeRequest, raw: unknown): Promise<PolicyState> {
    const rule = this.parseRule(raw);
    return this.change(request, `rule.create ${rule.name}`, (head) => {
      if (head.rules.some((r) => r.name === rule.name)) {
        throw new PolicyError(
          'CONFLICT',
          `a rule named ${JSON.stringify(rule.name)} exists: PUT /api/admin/v1/rules/${rule.name} replaces it`,
        );
      }
      return { ...head, rules: [...head.rules, rule] };
    });
  }

  /** A full replace (PUT): fields left out take their defaults, never the old values. */
  replaceRule(request: ChangeRequest, name: string, raw: unknown): Promise<PolicyState> {
    const rule = this.parseRule(raw);
    if (rule.name !== name) {
      throw new PolicyError(
        'INVALID_POLICY',
        `rule.name: ${JSON.stringify(rule.name)} is not the rule of the URL (${JSON.stringify(name)}); rules are not renamed`,
      );
    }
    return this.change(request, `rule.update ${name}`, (head) => {
      const at = head.rules.findIndex((r) => r.name === name);
      if (at === -1) throw new PolicyError('NOT_FOUND', `no rule named ${JSON.stringify(name)}`);
      return { ...head, rules: head.rules.map((r, i) => (i === at ? rule : r)) };
    });
  }

  deleteRule(request: ChangeRequest, name: string): Promise<PolicyState> {
    return this.change(request, `rule.delete ${name}`, (head) => {
      if (!head.rules.some((r) => r.name === name)) {
        throw new PolicyError('NOT_FOUND', `no rule named ${JSON.stringify(name)}`);
      }
      return { ...head, rules: head.rules.filter((r) => r.name !== name) };
    });
  }

  createIssuer(request: ChangeRequest, raw: unknown): Promise<PolicyState> {
    const issuer = this.parseIssuer(raw);
    const key = issuer.url ?? issuer.wildcardUrl ?? '';
    return this.change(
      request,
      `issuer.create ${key}`,
      (head) => {
        if (head.issuers.some((i) => (i.url ?? i.wildcardUrl) === key)) {
          throw new PolicyError(
            'CONFLICT',
            `issuer ${JSON.stringify(key)} exists: PUT replaces it`,
          );
        }
        return { ...head, issuers: [...head.issuers, issuer] };
      },
      issuer,
    );
  }

  replaceIssuer(request: ChangeRequest, key: string, raw: unknown): Promise<PolicyState> {
    const issuer = this.parseIssuer(raw);
    if ((issuer.url ?? issuer.wildcardUrl) !== key) {
      throw new PolicyError(
        'INVALID_POLICY',
        `issuer.url: the issuer of the URL is ${JSON.stringify(key)}; issuers are not renamed`,
      );
    }
    return this.change(
      request,
      `issuer.update ${key}`,
      (head) => {
        const at = head.issuers.findIndex((i) => (i.url ?? i.wildcardUrl) === key);
        if (at === -1) throw new PolicyError('NOT_FOUND', `no issuer ${JSON.stringify(key)}`);
        return { ...head, issuers: head.issuers.map((i, n) => (n === at ? issuer : i)) };
      },
      issuer,
    );
  }

  deleteIssuer(request: ChangeRequest, key: string): Promise<PolicyState> {
    return this.change(request, `issuer.delete ${key}`, (head) => {
      if (!head.issuers.some((i) => (i.url ?? i.wildcardUrl) === key)) {
        throw new PolicyError('NOT_FOUND', `no issuer ${JSON.stringify(key)}`);
      }
      return { ...head, issuers: head.issuers.filter((i) => (i.url ?? i.wildcardUrl) !== key) };
    });
  }

  /** The whole policy at once (`signet admin rules import`). */
  replacePolicy(
    request: ChangeRequest,
    raw: { issuers?: unknown; rules?: unknown },
  ): Promise<PolicyState> {
    const content = parsePolicyContent(raw, this.limits.maxLifetimeSeconds);
    return this.change(request, 'policy.import', () => content, ...content.issuers);
  }

  /**
   * The dry run: `token` is verified as `/api/v2/signingCert` verifies it, or `issuer`, `subject`
   * and `claims` are taken as given; the decision and every rule's outcome under the head (or
   * `version`). Never issues anything; the token is never stored.
   */
  async evaluate(input: EvaluateInput, principal: AdminPrincipal): Promise<EvaluateAnswer> {
    // A pasted token makes the CA fetch its issuer's keys: dry runs are bounded per principal.
    const who = principal.tokenId ?? `${principal.issuer} ${principal.subject}`;
    const wait = await this.dryRuns.take(`admin-evaluate ${who}`);
    if (wait > 0) {
      throw new CaError('RATE_LIMITED', `too many dry runs; retry in ${wait} s`, wait);
    }
    const state = await this.stateFor(input.version);
    const keyAlgorithm = optionalString(input.keyAlgorithm, 'keyAlgorithm') ?? 'ecdsa-p256';
    let request: { issuer: string; subject: string; claims: Record<string, unknown> };
    /** The Sigstore extensions the certificate would carry (known only from a verified token). */
    let extensions: Record<string, string> | undefined;
    if (input.token !== undefined) {
      if (typeof input.token !== 'string' || input.token === '') {
        throw new PolicyError('INVALID_POLICY', 'token: must be an OIDC identity token (a JWT)');
      }
      if (input.claims !== undefined || input.issuer !== undefined) {
        throw new PolicyError(
          'INVALID_POLICY',
          'token: send a token, or issuer and claims, not both',
        );
      }
      try {
        const principal = await state.verifier.verify(input.token);
        request = {
          issuer: principal.issuer,
          subject: principal.san.value,
          claims: { ...principal.claims },
        };
        extensions = { ...principal.extensions };
      } catch (err) {
        if (!(err instanceof IdentityError)) throw err;
        return {
          decision: 'denied',
          reason: 'TOKEN_INVALID',
          message: `identity token rejected: ${err.message}`,
          policyVersion: state.version,
          missingClaims: [],
          trace: [],
        };
      }
    } else {
      const issuer = optionalString(input.issuer, 'issuer');
      if (issuer === undefined)
        throw new PolicyError('INVALID_POLICY', 'issuer: required without a token');
      if (
        typeof input.claims !== 'object' ||
        input.claims === null ||
        Array.isArray(input.claims)
      ) {
        throw new PolicyError('INVALID_POLICY', 'claims: must be a JSON object of token claims');
      }
      const claims = input.claims as Record<string, unknown>;
      const subject =
        optionalString(input.subject, 'subject') ??
        (typeof claims['email'] === 'string'
          ? claims['email']
          : typeof claims['sub'] === 'string'
            ? claims['sub']
            : undefined);
      if (subject === undefined) {
        throw new PolicyError(
          'INVALID_POLICY',
          'subject: required when the claims have neither email nor sub',
        );
      }
      request = { issuer, subject, claims };
    }
    const trace = this.policy.explain({ ...request, keyAlgorithm }, state);
    const missingClaims = [
      ...new Set(
        trace.rules.flatMap((r) =>
          r.outcome === 'claim' && r.problem === 'missing' ? [r.claim] : [],
        ),
      ),
    ];
    return {
      decision: trace.decision.allowed ? 'allowed' : 'denied',
      ...(trace.decision.allowed
        ? {
            rule: {
              id: trace.decision.rule.id,
              name: trace.decision.rule.name,
              position: trace.decision.rule.position,
            },
            certificate: {
              identity: request.subject,
              issuer: request.issuer,
              lifetimeSeconds: trace.decision.lifetimeSeconds,
              keyAlgorithm,
              ...(extensions === undefined ? {} : { extensions }),
            },
          }
        : { reason: trace.decision.reason, message: trace.decision.message, rule: null }),
      request: { issuer: request.issuer, subject: request.subject, keyAlgorithm },
      policyVersion: state.version,
      policyDigest: state.digest,
      missingClaims,
      trace: trace.rules.map(({ rule, ...outcome }) => ({
        rule: rule.name,
        position: rule.position,
        ...describeOutcome(outcome, { ...request, keyAlgorithm }),
      })),
    };
  }

  private async stateFor(version: unknown): Promise<PolicyState> {
    if (version === undefined || version === null) return this.head();
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
      throw new PolicyError('INVALID_POLICY', 'version: must be a policy version number');
    }
    const state = await this.policy.load(version);
    if (state === undefined) throw new PolicyError('NOT_FOUND', `no policy version ${version}`);
    return state;
  }

  /** One rule of a request body; problems named under `rule.` (`rule.subject: …`). */
  private parseRule(raw: unknown): RuleSpec {
    return single(() => parsePolicyContent({ rules: [raw] }, this.limits.maxLifetimeSeconds).rules);
  }

  /** One issuer of a request body; problems named under `issuer.`. */
  private parseIssuer(raw: unknown): IssuerConfig {
    return single(
      () => parsePolicyContent({ issuers: [raw] }, this.limits.maxLifetimeSeconds).issuers,
    );
  }

  /**
   * One change: `If-Match` and a reason required, semantics and issuer discovery checked, then
   * logged and stored by {@link PolicyService.change} with its audit event in one transaction.
   */
  private async change(
    request: ChangeRequest,
    action: string,
    apply: (head: PolicyContent) => PolicyContent,
    ...discover: IssuerConfig[]
  ): Promise<PolicyState> {
    if (request.ifMatch === undefined) {
      throw new PolicyError(
        'PRECONDITION_REQUIRED',
        `If-Match: required; send the policy's ETag (now ${this.etag(this.head().version)})`,
      );
    }
    const match = /^"v([1-9]\d{0,15})"$/.exec(request.ifMatch.trim());
    if (match === null) {
      throw new PolicyError(
        'INVALID_POLICY',
        `If-Match: must be a policy ETag such as "v3", got ${JSON.stringify(request.ifMatch)}`,
      );
    }
    if (
      typeof request.reason !== 'string' ||
      request.reason.trim() === '' ||
      request.reason.length > 1000
    ) {
      throw new PolicyError(
        'INVALID_POLICY',
        'reason: required, 1-1000 characters: why the policy changes',
      );
    }
    const reason = request.reason.trim();
    const actor: PolicyActor = {
      kind: request.principal.kind,
      issuer: request.principal.issuer,
      subject: request.principal.subject,
      display: request.principal.display,
      ...(request.principal.tokenId === undefined ? {} : { tokenId: request.principal.tokenId }),
    };
    return this.policy.change({
      actor,
      reason,
      ifMatch: Number(match[1]),
      apply,
      check: async (content) => {
        checkPolicySemantics(content);
        for (const issuer of discover) await checkDiscovery(issuer);
      },
      record: (m, before, after) =>
        this.audit.record(
          {
            action: 'policy.change',
            outcome: 'success',
            principal: request.principal,
            target: action,
            reason,
            httpStatus: 200,
            policyVersionBefore: BigInt(before),
            policyVersionAfter: BigInt(after),
            requestId: request.requestId,
            clientAddress: request.clientAddress,
          },
          m,
        ),
    });
  }
}

/** The one item `parse` returns, its problems renamed from `rules[0].x` to `rule.x`. */
function single<T>(parse: () => readonly T[]): T {
  try {
    return parse()[0]!;
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    throw new PolicyError(
      err.code,
      err.message.replace(/\b(rule|issuer)s\[0\]/g, (_, kind: string) => kind),
    );
  }
}

/** An exact issuer must answer discovery before it is trusted; wildcards cannot be discovered. */
async function checkDiscovery(issuer: IssuerConfig): Promise<void> {
  if (issuer.url === undefined) return;
  try {
    await new OidcVerifier([issuer]).discover(issuer.url);
  } catch (err) {
    const why = err instanceof IdentityError ? err.message : 'it could not be reached';
    throw new PolicyError(
      'INVALID_POLICY',
      `issuer.url: discovery of ${issuer.url} failed: ${why}`,
    );
  }
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new PolicyError('INVALID_POLICY', `${field}: must be a non-empty string`);
  }
  return value;
}

function logView(row: PolicyVersionRow): Record<string, unknown> | null {
  return row.log === null
    ? null
    : {
        uuid: row.log.uuid,
        logIndex: Number(row.log.logIndex),
        integratedTime: Number(row.log.integratedTime),
      };
}
