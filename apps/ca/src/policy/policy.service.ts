import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { CA_FILE_SETTINGS, type CaFileSettings } from '../config/ca.config';
import { evaluate, type PolicyLimits, type PolicyRequest } from './evaluate';
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
 * The CA's IAM rules (Fulcio has none: fulcio#1989). Syncs the configured rules into Postgres at
 * boot and judges each certificate request against the active rules, read on every request so a
 * sync by another replica takes effect at once. Default deny.
 */
@Injectable()
export class PolicyService implements OnModuleInit {
  private readonly logger = new Logger(PolicyService.name);
  private readonly specs: readonly RuleSpec[];

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
  async authorize(request: PolicyRequest): Promise<Authorization> {
    const decision = evaluate(await this.rules.activeRules(), request, this.limits);
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
