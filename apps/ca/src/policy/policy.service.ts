import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { CA_FILE_SETTINGS, type CaFileSettings } from '../config/ca.config';
import { evaluate, type PolicyLimits, type PolicyRequest, type StoredRule } from './evaluate';
import { PolicyError } from './policy.error';
import type { RuleSpec } from './rules.config';
import { RulesRepository } from './rules.repository';

/** Injection token of the instance's {@link PolicyLimits}. */
export const POLICY_LIMITS = Symbol('POLICY_LIMITS');

/** The rule that allowed a request, and the lifetime of the certificate to issue. */
export interface Authorization {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly lifetimeSeconds: number;
}

/**
 * The CA's IAM rules (Fulcio has none: fulcio#1989). Judges each certificate request against the
 * rules of this process's own configuration, held in memory (M5: a row someone wrote to
 * `iam_rule`, by a bug or a stolen database login, allows nothing). Postgres keeps their ids and
 * history: the configured rules are synced there at boot, and issuance records name the rule by
 * id. Default deny.
 */
@Injectable()
export class PolicyService implements OnModuleInit {
  private readonly logger = new Logger(PolicyService.name);
  private readonly specs: readonly RuleSpec[];
  /** The configured rules with their stored ids, in order: what every decision reads. */
  private active: readonly StoredRule[] = [];

  /** `settings.rules` were parsed before Nest started (`parseCaFileSettings`). */
  constructor(
    private readonly rules: RulesRepository,
    @Inject(CA_FILE_SETTINGS) settings: Pick<CaFileSettings, 'rules'>,
    @Inject(POLICY_LIMITS) private readonly limits: PolicyLimits,
  ) {
    this.specs = settings.rules;
  }

  async onModuleInit(): Promise<void> {
    const sync = await this.rules.syncRules(this.specs);
    const ids = await this.rules.ruleIds(this.specs.map((s) => s.name));
    this.active = this.specs.map((spec, position) => {
      const id = ids.get(spec.name);
      if (id === undefined) throw new Error(`IAM rule ${spec.name} was synced but has no row`);
      return { ...spec, id, position };
    });
    this.logger.log(
      `IAM rules: ${this.specs.length} active (added ${sync.added.length}, updated ${sync.updated.length}, deactivated ${sync.deactivated.length})`,
    );
    if (this.specs.length === 0) {
      this.logger.warn('no IAM rules are configured: every certificate request will be denied');
    }
  }

  /**
   * The rule allowing `request` and the certificate lifetime it grants. Throws {@link PolicyError}:
   * DENIED when no rule allows the identity, KEY_ALGORITHM_NOT_ALLOWED when rules allow it but
   * not with this key algorithm.
   */
  authorize(request: PolicyRequest): Authorization {
    const decision = evaluate(this.active, request, this.limits);
    if (decision.allowed) {
      return {
        ruleId: decision.rule.id,
        ruleName: decision.rule.name,
        lifetimeSeconds: decision.lifetimeSeconds,
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
}
