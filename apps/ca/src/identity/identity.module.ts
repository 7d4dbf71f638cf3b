import { type DynamicModule, Module } from '@nestjs/common';
import type { SignetConfig } from '@app/platform';
import { parseIssuers } from './issuer-config';
import { OidcVerifier } from './oidc-verifier';

/**
 * Provides {@link OidcVerifier} built from the `issuers:` section of the Signet YAML file.
 * Invalid issuer configuration fails module initialisation with a message naming the field.
 */
@Module({})
export class IdentityModule {
  static forRoot(config: Pick<SignetConfig, 'file'>): DynamicModule {
    return {
      module: IdentityModule,
      providers: [
        {
          provide: OidcVerifier,
          useFactory: () => new OidcVerifier(parseIssuers(config.file['issuers'])),
        },
      ],
      exports: [OidcVerifier],
    };
  }
}
