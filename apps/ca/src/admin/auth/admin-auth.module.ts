import {
  type DynamicModule,
  Global,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import { RateLimitRepository } from '../../issuance/rate-limit.repository';
import { AdminAuditLog } from '../audit/admin-audit';
import { AdminAuditRepository } from '../audit/admin-audit.repository';
import { AuditController } from '../audit/audit.controller';
import { ApiTokensController } from '../tokens/api-tokens.controller';
import { ApiTokensRepository } from '../tokens/api-tokens.repository';
import { ApiTokensService } from '../tokens/api-tokens.service';
import { ADMIN_SETTINGS, type AdminSettings } from './admin.config';
import { AdminGuard } from './admin.guard';
import { AdminAuthController } from './admin-auth.controller';
import { AdminOidcGuard } from './admin-oidc.guard';
import { AdminOidcStrategy } from './admin-oidc.strategy';
import { adminSessionMiddleware } from './admin-session';
import { AdminSessions } from './admin-sessions.service';

/**
 * The admin plane's authentication (issue 17): sign-in, sessions under /admin and /api/admin,
 * API tokens and the audit trail. Global, so that any controller may use `@RequireRole()`,
 * `@AdminUser()` and inject {@link AdminAuditLog}.
 */
@Global()
@Module({})
export class AdminAuthModule implements NestModule {
  static forRoot(settings: AdminSettings): DynamicModule {
    return {
      module: AdminAuthModule,
      imports: [PassportModule],
      controllers: [AdminAuthController, ApiTokensController, AuditController],
      providers: [
        { provide: ADMIN_SETTINGS, useValue: settings },
        AdminOidcStrategy,
        AdminOidcGuard,
        AdminGuard,
        AdminSessions,
        AdminAuditRepository,
        AdminAuditLog,
        ApiTokensRepository,
        ApiTokensService,
        RateLimitRepository,
      ],
      exports: [ADMIN_SETTINGS, AdminGuard, AdminAuditLog, ApiTokensService],
    };
  }

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SIGNET_CONFIG) private readonly config: SignetConfig,
    @Inject(ADMIN_SETTINGS) private readonly settings: AdminSettings,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    // The CA's own pool (TypeORM's), so sessions cost no extra connections.
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    consumer
      .apply(adminSessionMiddleware(this.config, this.settings, pool))
      .forRoutes('admin', 'admin/*path', 'api/admin/*path');
  }
}
