import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PlatformModule, SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import { migrations } from '@app/migrations';
import { parseLogWriteSettings } from './config/log-file.config';
import { LogCoreModule } from './core/log-core.module';
import { logEntities } from '@app/schema';
import { logErrorFilter } from './http/log-error.filter';
import { openTreeSignings } from './log-keys';
import { CtModule } from './personalities/ct/ct.module';
import { RekorV1Module } from './personalities/rekor-v1/rekor-v1.module';
import { RekorV2Module } from './personalities/rekor-v2/rekor-v2.module';
import { TilesModule } from './personalities/tiles/tiles.module';

/**
 * The composition root: the platform (config, database, health, metrics), the log's core with
 * the keys it opens here, and the personalities that serve it over HTTP.
 */
@Module({})
export class TransparencyLogModule {
  static forRoot(config: SignetConfig): DynamicModule {
    return {
      module: TransparencyLogModule,
      imports: [
        PlatformModule.forRoot({
          appName: 'transparency-log',
          config,
          entities: logEntities,
          migrations,
        }),
        LogCoreModule.forRoot({
          signings: () => openTreeSignings(config),
          // The `log:` section, files read and parsed before Nest builds anything.
          writeSettings: parseLogWriteSettings(config),
        }),
        RekorV1Module,
        RekorV2Module,
        TilesModule,
        CtModule,
      ],
      providers: [
        {
          provide: APP_FILTER,
          useFactory: (c: SignetConfig) => logErrorFilter(c.log.maxBodyBytes),
          inject: [SIGNET_CONFIG],
        },
      ],
    };
  }
}
