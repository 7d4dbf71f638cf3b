import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule, type SignetConfig } from '@app/platform';
import { migrations } from '../../../migrations';
import { caEntities } from './entities';

@Module({})
export class CaModule {
  static forRoot(config: SignetConfig): DynamicModule {
    return {
      module: CaModule,
      imports: [
        PlatformModule.forRoot({ appName: 'ca', config, entities: caEntities, migrations }),
      ],
    };
  }
}
