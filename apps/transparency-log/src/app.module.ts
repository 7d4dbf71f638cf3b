import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PlatformModule, SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import { migrations } from '../../../migrations';
import { WritePolicy } from './authorization/write-policy';
import { LOG_WRITE_SETTINGS, parseLogWriteSettings } from './config/log-file.config';
import { CaCertificates } from './ct/ca-certificates';
import { CtController } from './ct/ct.controller';
import { CtMonitoringService } from './ct/ct-monitoring.service';
import { CtSubmissionService } from './ct/ct-submission.service';
import { EntriesController } from './entries/entries.controller';
import { EntriesService } from './entries/entries.service';
import { logEntities } from './entities';
import { logErrorFilter } from './http/log-error.filter';
import { LogController } from './proofs/log.controller';
import { SearchController } from './search/search.controller';
import { TilesController } from './tiles/tiles.controller';
import { TreeRepository } from './tree/tree.repository';
import { TreesService } from './tree/trees.service';

@Module({})
export class TransparencyLogModule {
  static forRoot(config: SignetConfig): DynamicModule {
    // The `log:` section, files read and parsed before Nest builds anything.
    const writeSettings = parseLogWriteSettings(config);
    return {
      module: TransparencyLogModule,
      imports: [
        PlatformModule.forRoot({
          appName: 'transparency-log',
          config,
          entities: logEntities,
          migrations,
        }),
      ],
      controllers: [
        EntriesController,
        LogController,
        SearchController,
        TilesController,
        CtController,
      ],
      providers: [
        { provide: LOG_WRITE_SETTINGS, useValue: writeSettings },
        TreeRepository,
        TreesService,
        WritePolicy,
        EntriesService,
        CaCertificates,
        CtSubmissionService,
        CtMonitoringService,
        {
          provide: APP_FILTER,
          useFactory: (c: SignetConfig) => logErrorFilter(c.log.maxBodyBytes),
          inject: [SIGNET_CONFIG],
        },
      ],
    };
  }
}
