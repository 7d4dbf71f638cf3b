import { type DynamicModule, Global, Module, Logger as NestLogger } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import type { SignetConfig } from './config/config';
import { SIGNET_CONFIG } from './config/config.token';
import { dataSourceOptions, migrateOrCheck } from './database/data-source';
import { HealthController } from './health/health.controller';
import { HealthRegistry } from './health/health-registry';
import { loggingParams } from './logging/logging';
import { HttpMetrics } from './metrics/metrics';
import { MetricsController } from './metrics/metrics.controller';

export interface PlatformOptions {
  /** Short app name, used in logs, metrics labels and the Postgres application_name. */
  appName: string;
  config: SignetConfig;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * What every Signet app shares: validated config, JSON logs with request ids, Postgres through
 * TypeORM with migrations applied explicitly at start, `GET /healthz` and `GET /metrics`.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { config } = options;
    if (config.databaseUrl === undefined) {
      throw new Error(
        'DATABASE_URL is required to start an app on its own (npm start provides one)',
      );
    }
    const url = config.databaseUrl;
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot(loggingParams(options.appName, config.logLevel)),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions({
              url,
              poolSize: config.databasePoolSize,
              applicationName: `signet-${options.appName}`,
              entities: options.entities,
              migrations: options.migrations,
            }),
            retryAttempts: 5,
            retryDelay: 1000,
          }),
          dataSourceFactory: async (opts) => {
            const dataSource = await new DataSource(opts!).initialize();
            const applied = await migrateOrCheck(dataSource);
            if (applied.length > 0)
              new NestLogger('Database').log(`applied migrations: ${applied.join(', ')}`);
            return dataSource;
          },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SIGNET_CONFIG, useValue: config },
        HealthRegistry,
        { provide: HttpMetrics, useValue: new HttpMetrics(options.appName) },
      ],
      exports: [SIGNET_CONFIG, HttpMetrics, HealthRegistry],
    };
  }
}
