import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  policyDigest,
  type PolicyActor,
  type PolicySnapshot,
  policySnapshotBytes,
  policyStatementBytes,
} from '@app/signing';
import { CA_FILE_SETTINGS, type CaFileSettings } from '../config/ca.config';
import { OidcVerifier } from '../identity';
import {
  explain,
  type PolicyLimits,
  type PolicyRequest,
  type PolicyTrace,
  type StoredRule,
} from './evaluate';
import {
  contentOfSnapshot,
  type PolicyContent,
  policySnapshot,
  type PolicySource,
  sameContent,
} from './policy-document';
import { PolicyLog } from './policy-log';
import { PolicyError } from './policy.error';
import { PolicyVersionsRepository, type PolicyVersionRow } from './policy-versions.repository';
import { RulesRepository } from './rules.repository';

/** Injection token of the instance's {@link PolicyLimits}. */
export const POLICY_LIMITS = Symbol('POLICY_LIMITS');
/** Injection token of the {@link PolicySource}. */
export const POLICY_SOURCE = Symbol('POLICY_SOURCE');

/** How often each CA process looks for a new head version (database mode). */
export const POLICY_POLL_MS = 250;

/** The rule that allowed a request, the lifetime it grants, and the policy version that decided. */
export interface Authorization {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly lifetimeSeconds: number;
  readonly policyVersion: number;
  readonly policyDigest: string;
}

/** The policy a process decides by: one version, compiled. */
export interface PolicyState {
  readonly version: number;
  readonly digest: string;
  readonly content: PolicyContent;
  readonly rules: readonly StoredRule[];
  readonly verifier: OidcVerifier;
  readonly snapshot: PolicySnapshot;
}

/** A change to the policy, as the admin API makes it. */
export interface PolicyChange {
  readonly actor: PolicyActor;
  readonly reason: string;
  /** The version the change was made against (`If-Match`). */
  readonly ifMatch: number;
  /** The new content, from the head's. */
  readonly apply: (head: PolicyContent) => PolicyContent;
  /** Checks beyond syntax (issuer discovery, claim names), before anything is logged. */
  readonly check?: (content: PolicyContent) => Promise<void>;
  /** Writes in the change's transaction once the version is in (the admin audit event). */
  readonly record?: (
    m: import('typeorm').EntityManager,
    before: number,
    after: number,
  ) => Promise<void>;
}

/**
 * The CA's IAM rules and OIDC issuers (Fulcio has no rules: fulcio#1989), as numbered policy
 * versions. Each version is a snapshot signed by the policy key and committed to the instance's
 * transparency log before it takes effect (SCITT's registration-policy rule); the process decides
 * every request by one version, held in memory and compiled, and names it in the certificate.
 *
 * `policy.source: file`: SIGNET_CONFIG owns the policy; a boot whose file differs from the head
 * makes a new version, and the admin API is read-only. `database`: the file seeds an empty
 * database; afterwards the admin API changes the policy, and every process picks up a new head
 * within {@link POLICY_POLL_MS}, checking the version's signature before using it (a row written
 * by anyone without the policy key allows nothing). Default deny.
 */
@Injectable()
export class PolicyService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PolicyService.name);
  private readonly fileContent: PolicyContent;
  private state: PolicyState | undefined;
  private poller: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly rules: RulesRepository,
    private readonly versions: PolicyVersionsRepository,
    private readonly log: PolicyLog,
    @Inject(CA_FILE_SETTINGS) settings: Pick<CaFileSettings, 'rules' | 'issuers'>,
    @Inject(POLICY_LIMITS) private readonly limits: PolicyLimits,
    @Inject(POLICY_SOURCE) readonly source: PolicySource,
  ) {
    this.fileContent = { issuers: settings.issuers, rules: settings.rules };
  }

  async onModuleInit(): Promise<void> {
    if (!this.log.enabled) {
      this.logger.warn(
        'CA_POLICY_LOG is off: policy versions are signed and chained but not committed to the transparency log (development only)',
      );
    }
    if (this.source === 'file') {
      const row = await this.commitFile();
      this.adopt(row);
    } else {
      const head = await this.versions.head();
      if (head === undefined) {
        this.logger.log('policy.source is database and the database has no policy: seeding it');
        this.adopt(await this.commitFile());
      } else {
        this.adopt(head);
        if (!sameContent(this.current().content, this.fileContent)) {
          this.logger.warn(
            `policy.source is database: the rules and issuers of SIGNET_CONFIG are ignored (the policy is version ${head.version})`,
          );
        }
      }
      this.poller = setInterval(() => void this.refresh(), POLICY_POLL_MS);
      this.poller.unref();
    }
    const state = this.current();
    this.logger.log(
      `policy version ${state.version} (${state.digest.slice(0, 12)}…): ${state.rules.length} rules, ${state.content.issuers.length} issuers`,
    );
    if (state.rules.length === 0) {
      this.logger.warn('no IAM rules are configured: every certificate request will be denied');
    }
  }

  onApplicationShutdown(): void {
    if (this.poller !== undefined) clearInterval(this.poller);
  }

  /** The version in force in this process. */
  current(): PolicyState {
    if (this.state === undefined) throw new Error('the policy is not loaded yet');
    return this.state;
  }

  /** The verifier of the issuers of the version in force. */
  verifier(): OidcVerifier {
    return this.current().verifier;
  }

  /**
   * The rule allowing `request` under the version in force, and the certificate lifetime it
   * grants. Throws {@link PolicyError}: DENIED when no rule allows the identity,
   * KEY_ALGORITHM_NOT_ALLOWED when rules allow it but not with this key algorithm.
   */
  authorize(request: PolicyRequest, state: PolicyState = this.current()): Authorization {
    const { decision } = explain(state.rules, request, this.limits);
    if (decision.allowed) {
      return {
        ruleId: decision.rule.id,
        ruleName: decision.rule.name,
        lifetimeSeconds: decision.lifetimeSeconds,
        policyVersion: state.version,
        policyDigest: state.digest,
      };
    }
    this.logger.log(`certificate request denied (${decision.reason}): ${decision.message}`);
    switch (decision.reason) {
      case 'NO_RULE':
        throw new PolicyError('DENIED', decision.message);
      case 'KEY_ALGORITHM':
        throw new PolicyError('KEY_ALGORITHM_NOT_ALLOWED', decision.message);
    }
  }

  /** The dry run: every rule's outcome for `request` under `state`, by the engine that issues. */
  explain(request: PolicyRequest, state: PolicyState = this.current()): PolicyTrace {
    return explain(state.rules, request, this.limits);
  }

  /** Version `version` compiled, checked against its signature; undefined when there is none. */
  async load(version: number): Promise<PolicyState | undefined> {
    if (version === this.state?.version) return this.state;
    const row = await this.versions.get(version);
    return row === undefined ? undefined : this.compileRow(row);
  }

  /**
   * Makes a new version from the head (database mode): validated, signed, logged, stored, and in
   * force in this process on return (in the others within {@link POLICY_POLL_MS}).
   *
   * @throws PolicyError READ_ONLY (file mode), VERSION_MISMATCH (`ifMatch` is not the head),
   *   INVALID_POLICY, LOG_UNAVAILABLE; on any of them nothing changed.
   */
  async change(change: PolicyChange): Promise<PolicyState> {
    if (this.source === 'file') {
      throw new PolicyError(
        'READ_ONLY',
        'the policy is managed by SIGNET_CONFIG (policy.source: file): change the file and restart, or set policy.source: database',
      );
    }
    const row = await this.versions.locked(async (m) => {
      const head = await this.versions.head(m);
      if (head === undefined) throw new Error('the policy has no head version');
      if (head.version !== change.ifMatch) {
        throw new PolicyError(
          'VERSION_MISMATCH',
          `If-Match names version ${change.ifMatch}, but the policy is at version ${head.version}: read it again and reapply the change`,
        );
      }
      const before = this.compileRow(head).content;
      const after = change.apply(before);
      await change.check?.(after);
      const written = await this.write(m, head, after, change.actor, change.reason);
      await change.record?.(m, head.version, written.version);
      return written;
    });
    this.adopt(row);
    return this.current();
  }

  /** Polls the head; a new version is loaded, checked and swapped in. */
  async refresh(): Promise<void> {
    if (this.refreshing !== undefined) return this.refreshing;
    this.refreshing = (async () => {
      try {
        const version = await this.versions.headVersion();
        if (version === undefined || version === this.state?.version) return;
        const head = await this.versions.head();
        if (head !== undefined) this.adopt(head);
      } catch (err) {
        this.logger.error(`policy refresh failed: ${(err as Error).message}`);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** SIGNET_CONFIG's policy as the head, made a new version when it differs. */
  private commitFile(): Promise<PolicyVersionRow> {
    return this.versions.locked(async (m) => {
      const head = await this.versions.head(m);
      if (head !== undefined && sameContent(this.compileRow(head).content, this.fileContent)) {
        // Rules keep their ids; the iam_rule rows are the head's.
        return head;
      }
      return this.write(m, head, this.fileContent, { kind: 'file' }, 'SIGNET_CONFIG at boot');
    });
  }

  /** Writes version head+1 with `content` in `m`: ids, snapshot, signature, log entry, rows. */
  private async write(
    m: import('typeorm').EntityManager,
    head: PolicyVersionRow | undefined,
    content: PolicyContent,
    actor: PolicyActor,
    reason: string,
  ): Promise<PolicyVersionRow> {
    await this.rules.syncRulesIn(m, content.rules);
    const ruleIds = await this.rules.ruleIds(
      content.rules.map((r) => r.name),
      m,
    );
    const version = (head?.version ?? 0) + 1;
    const createdAt = new Date();
    const snapshot = policySnapshot({
      version,
      previous: head?.digest ?? null,
      createdAt,
      actor,
      reason,
      content,
      ruleIds,
      limits: this.limits,
    });
    const bytes = policySnapshotBytes(snapshot);
    const digest = policyDigest(bytes);
    const statement = policyStatementBytes(snapshot, digest);
    const signature = await this.log.sign(statement);
    // Committed to the log before it is stored: a change the log cannot take is not made.
    const log = await this.log.commit(statement, signature);
    const row = {
      version,
      digest,
      previousDigest: head?.digest ?? null,
      snapshot: Buffer.from(bytes),
      signature: Buffer.from(signature),
      actor,
      reason,
      createdAt,
      log: log ?? null,
    };
    await this.versions.insert(m, { ...row, log });
    this.logger.log(
      `policy version ${version} (${digest.slice(0, 12)}…) by ${actor.kind}${actor.display ? ` ${actor.display}` : ''}${log ? `, log index ${log.logIndex}` : ''}: ${reason}`,
    );
    return row;
  }

  private adopt(row: PolicyVersionRow): void {
    if (this.state !== undefined && row.version <= this.state.version) return;
    this.state = this.compileRow(row);
  }

  /** Checks `row`'s digest and signature, then compiles it; reuses the verifier if issuers agree. */
  private compileRow(row: PolicyVersionRow): PolicyState {
    if (policyDigest(row.snapshot) !== row.digest) {
      throw new Error(`policy version ${row.version}: the snapshot does not hash to its digest`);
    }
    const snapshot = JSON.parse(row.snapshot.toString('utf8')) as PolicySnapshot;
    if (snapshot.version !== row.version || snapshot.previous !== row.previousDigest) {
      throw new Error(`policy version ${row.version}: the snapshot names another version`);
    }
    if (!this.log.verify(policyStatementBytes(snapshot, row.digest), row.signature)) {
      throw new Error(
        `policy version ${row.version}: its signature is by neither the policy key (CA_POLICY_KEY) nor a retired one (CA_POLICY_RETIRED_KEYS); it is not used`,
      );
    }
    const { content, rules } = contentOfSnapshot(snapshot);
    const previous = this.state;
    const verifier =
      previous !== undefined &&
      JSON.stringify(previous.content.issuers) === JSON.stringify(content.issuers)
        ? previous.verifier
        : new OidcVerifier([...content.issuers]);
    return { version: row.version, digest: row.digest, content, rules, verifier, snapshot };
  }
}
