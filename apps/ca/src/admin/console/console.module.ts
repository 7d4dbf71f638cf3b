import {
  type DynamicModule,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  Optional,
  RequestMethod,
} from '@nestjs/common';
import { urlencoded } from 'express';
import { CONSOLE_ASSETS, ConsoleAssetsController } from './console-assets.controller';
import { CONSOLE_ASSETS_DIR, loadConsoleAssets } from './console-assets';
import { consoleHeaders } from './console-headers';

/** Injection token of the largest form body the console accepts (bytes). */
export const CONSOLE_BODY_LIMIT = Symbol('CONSOLE_BODY_LIMIT');

const CONSOLE_ROUTES = [
  { path: 'admin', method: RequestMethod.ALL },
  { path: 'admin/*path', method: RequestMethod.ALL },
];

/**
 * The console's shared plumbing: its security headers on every response under /admin (pages,
 * redirects, error answers and assets), its static assets, and the form parser. Only /admin reads
 * urlencoded bodies (the console's forms); the APIs stay JSON-only. The page controllers are
 * registered by the CA's composition root, beside the services they call.
 */
@Module({
  controllers: [ConsoleAssetsController],
  providers: [{ provide: CONSOLE_ASSETS, useFactory: () => loadConsoleAssets(CONSOLE_ASSETS_DIR) }],
})
export class ConsoleModule implements NestModule {
  /** The module with the CA's body limit for forms. */
  static forRoot(bodyLimitBytes: number): DynamicModule {
    return {
      module: ConsoleModule,
      providers: [{ provide: CONSOLE_BODY_LIMIT, useValue: bodyLimitBytes }],
    };
  }

  constructor(
    @Optional() @Inject(CONSOLE_BODY_LIMIT) private readonly bodyLimit: number = 64 * 1024,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(consoleHeaders).forRoutes(...CONSOLE_ROUTES);
    // extended: false: flat name=value pairs (repeated names become arrays), no nested objects.
    consumer
      .apply(urlencoded({ extended: false, limit: this.bodyLimit, parameterLimit: 100 }))
      .forRoutes(...CONSOLE_ROUTES);
  }
}
