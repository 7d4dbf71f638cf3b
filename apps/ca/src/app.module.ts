import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigError, PlatformModule, type SignetConfig } from '@app/platform';
import { migrations } from '../../../migrations';
import { caEntities } from './entities';
import { caErrorFilter } from './http/ca-error.filter';
import { OidcVerifier, parseIssuers } from './identity';
import { IssuanceController } from './issuance/issuance.controller';
import { CtClient } from './issuance/ct-client';
import { IssuanceService } from './issuance/issuance.service';
import { CaChainService } from './keys/ca-chain.service';
import { TrustedRootController } from './trust/trusted-root.controller';
import { TrustedRootService } from './trust/trusted-root.service';
import { TufController } from './tuf/tuf.controller';
import { TufRepositoryService } from './tuf/tuf-repository.service';
import { POLICY_LIMITS, PolicyService, RulesRepository } from './policy';

/** Largest request body the CA accepts. */
export const CA_BODY_LIMIT = 64 * 1024;

@Module({})
export class CaModule {
  static forRoot(config: SignetConfig): DynamicModule {
    let issuers;
    try {
      issuers = parseIssuers(config.file.issuers ?? []);
    } catch (err) {
      throw new ConfigError([`SIGNET_CONFIG: ${(err as Error).message}`]);
    }
    return {
      module: CaModule,
      imports: [
        PlatformModule.forRoot({ appName: 'ca', config, entities: caEntities, migrations }),
      ],
      controllers: [IssuanceController, TrustedRootController, TufController],
      providers: [
        { provide: OidcVerifier, useValue: new OidcVerifier(issuers) },
        {
          provide: POLICY_LIMITS,
          useValue: {
            defaultLifetimeSeconds: 600,
            maxLifetimeSeconds: config.ca.maxCertificateLifetimeSeconds,
          },
        },
        RulesRepository,
        PolicyService,
        CaChainService,
        CtClient,
        TrustedRootService,
        TufRepositoryService,
        IssuanceService,
        { provide: APP_FILTER, useValue: caErrorFilter(CA_BODY_LIMIT) },
      ],
    };
  }
}
