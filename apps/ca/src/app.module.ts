import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Logger } from '@nestjs/common';
import { openConfiguredSigner, PlatformModule, type SignetConfig } from '@app/platform';
import { migrations } from '@app/migrations';
import { caEntities } from '@app/schema';
import { CaHealthChecks } from './health/ca-health';
import { caErrorFilter } from './http/ca-error.filter';
import { CA_FILE_SETTINGS, parseCaFileSettings } from './config/ca.config';
import { readPublicKeyFile } from './config/public-key-file';
import { IssuanceController } from './issuance/issuance.controller';
import { CtClient } from './issuance/ct-client';
import { IssuanceRepository } from './issuance/issuance.repository';
import { RateLimitRepository } from './issuance/rate-limit.repository';
import { IssuanceService } from './issuance/issuance.service';
import { CaCertificateRepository } from './authority/ca-certificate.repository';
import { CaChainService } from './authority/ca-chain.service';
import { CA_KEYS, openCaKeys } from './authority/ca-keys';
import { TrustedRootController } from './trust/trusted-root.controller';
import { LogTreesRepository } from './trust/log-trees.repository';
import { LOG_KEY_PINS, LogTrees, readLogKeyPins } from './trust/log-trees';
import { TrustedRootService } from './trust/trusted-root.service';
import { TimestampController } from './timestamp/timestamp.controller';
import { TimestampService } from './timestamp/timestamp.service';
import { TSA_KEYS, openTsaKeys } from './timestamp/tsa-keys';
import { TufController } from './tuf/tuf.controller';
import { TUF_KEYS, openTufKeys } from './tuf/tuf-keys';
import { TufRepositoryService } from './tuf/tuf-repository.service';
import { TufTargetsVersionRepository } from './tuf/tuf-targets-version.repository';
import {
  parsePolicySource,
  POLICY_KEY,
  POLICY_LIMITS,
  POLICY_RETIRED_KEYS,
  POLICY_SOURCE,
  PolicyLog,
  PolicyService,
  PolicyVersionsRepository,
  RulesRepository,
} from './policy';
import { AdminAuthModule } from './admin/auth/admin-auth.module';
import { ConsoleModule } from './admin/console/console.module';
import { DryRunPageController } from './admin/console/dry-run-page.controller';
import { HistoryPagesController } from './admin/console/history-pages.controller';
import { RulesPagesController } from './admin/console/rules-pages.controller';
import { SignInPageController } from './admin/console/sign-in-page.controller';
import { TokensPageController } from './admin/console/tokens-page.controller';
import { AdminPolicyController } from './admin/policy-api/admin-policy.controller';
import { CaCertificatesController } from './admin/authority-api/ca-certificates.controller';
import { CaCertificatesService } from './admin/authority-api/ca-certificates.service';
import { AdminPolicyService } from './admin/policy-api/admin-policy.service';
import { IssuanceHistoryRepository } from './admin/policy-api/issuances.repository';

/** Largest request body the CA accepts. */
export const CA_BODY_LIMIT = 64 * 1024;

@Module({})
export class CaModule {
  static forRoot(config: SignetConfig): DynamicModule {
    // Every SIGNET_CONFIG section, parsed before Nest builds anything: one error naming each field.
    const settings = parseCaFileSettings(config);
    const logKeyPins = readLogKeyPins(config);
    const policySource = parsePolicySource(config);
    const policyRetiredKeys =
      config.ca.policyRetiredKeysFile === undefined
        ? []
        : readPublicKeyFile('CA_POLICY_RETIRED_KEYS', config.ca.policyRetiredKeysFile);
    return {
      module: CaModule,
      imports: [
        PlatformModule.forRoot({ appName: 'ca', config, entities: caEntities, migrations }),
        AdminAuthModule.forRoot(settings.admin),
        ConsoleModule.forRoot(CA_BODY_LIMIT),
      ],
      controllers: [
        IssuanceController,
        TrustedRootController,
        TufController,
        TimestampController,
        AdminPolicyController,
        CaCertificatesController,
        // The console at /admin: pages over the same services as the JSON API.
        RulesPagesController,
        DryRunPageController,
        HistoryPagesController,
        TokensPageController,
        SignInPageController,
      ],
      providers: [
        { provide: CA_FILE_SETTINGS, useValue: settings },
        {
          provide: POLICY_LIMITS,
          useValue: {
            defaultLifetimeSeconds: 600,
            maxLifetimeSeconds: config.ca.maxCertificateLifetimeSeconds,
          },
        },
        { provide: POLICY_SOURCE, useValue: policySource },
        {
          provide: POLICY_KEY,
          useFactory: () =>
            openConfiguredSigner(
              {
                variable: 'CA_POLICY_KEY',
                ref: config.ca.policyKey,
                dir: config.dataDir,
                name: 'policy',
                developmentKeys: config.developmentKeys,
              },
              new Logger('PolicyKey'),
            ),
        },
        {
          provide: POLICY_RETIRED_KEYS,
          useValue: policyRetiredKeys,
        },
        PolicyLog,
        PolicyVersionsRepository,
        RulesRepository,
        PolicyService,
        AdminPolicyService,
        CaCertificatesService,
        IssuanceHistoryRepository,
        // Keys are opened here, at the composition root; services receive them.
        { provide: CA_KEYS, useFactory: () => openCaKeys(config, settings.retiredChainFiles) },
        CaCertificateRepository,
        CaChainService,
        IssuanceRepository,
        RateLimitRepository,
        CtClient,
        LogTreesRepository,
        { provide: LOG_KEY_PINS, useValue: logKeyPins },
        LogTrees,
        TrustedRootService,
        { provide: TSA_KEYS, useFactory: () => openTsaKeys(config) },
        TimestampService,
        { provide: TUF_KEYS, useFactory: () => openTufKeys(config) },
        TufTargetsVersionRepository,
        TufRepositoryService,
        IssuanceService,
        CaHealthChecks,
        { provide: APP_FILTER, useValue: caErrorFilter(CA_BODY_LIMIT) },
      ],
    };
  }
}
