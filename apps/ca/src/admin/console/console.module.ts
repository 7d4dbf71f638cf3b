import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { CONSOLE_ASSETS, ConsoleAssetsController } from './console-assets.controller';
import { CONSOLE_ASSETS_DIR, loadConsoleAssets } from './console-assets';
import { consoleHeaders } from './console-headers';

/**
 * The console's shared plumbing: its security headers on every response under /admin (pages,
 * redirects, error answers and assets), and its static assets. The page controllers join it
 * when they are wired to the admin services.
 */
@Module({
  controllers: [ConsoleAssetsController],
  providers: [{ provide: CONSOLE_ASSETS, useFactory: () => loadConsoleAssets(CONSOLE_ASSETS_DIR) }],
})
export class ConsoleModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(consoleHeaders)
      .forRoutes(
        { path: 'admin', method: RequestMethod.ALL },
        { path: 'admin/*path', method: RequestMethod.ALL },
      );
  }
}
