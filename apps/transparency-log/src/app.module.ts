import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, type SignetConfig } from '@app/platform';
import { migrations } from '../../../migrations';
import { logEntities } from './entities';

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
      ],
    };
  }
}
