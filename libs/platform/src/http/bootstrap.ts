import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig, type SignetConfig } from '../config/config';
import { unsupportedNode } from '../config/runtime';
import { HttpMetrics } from '../metrics/metrics';

export interface ConfigOrExitOptions {
  /** Also refuse an unset DATABASE_URL: the app runs on its own, without `npm start` providing one. */
  requireDatabase?: boolean;
}

/**
 * Checks the Node version, then reads and validates configuration from the environment; on error
 * prints what is wrong (the runtime, or which variables) and exits with status 2, before anything
 * starts.
 */
export function configOrExit(
  options: ConfigOrExitOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): SignetConfig {
  try {
    const runtime = unsupportedNode();
    if (runtime !== undefined) throw new ConfigError([runtime]);
    const config = loadConfig(env);
    if (options.requireDatabase === true && config.databaseUrl === undefined) {
      throw new ConfigError([
        'DATABASE_URL: required when the app runs on its own (npm start provides one)',
      ]);
    }
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

export interface HttpSettings {
  /** Largest accepted request body: bytes, or a size such as '128kb'. */
  bodyLimit: number | string;
}

/** Creates a Nest app with Signet's HTTP defaults (no framework fingerprint, JSON limit, shutdown hooks). */
export async function createApp(
  module: Type<unknown> | DynamicModule,
  http: HttpSettings,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bufferLogs: true,
    bodyParser: false,
  });
  configureApp(app, http);
  return app;
}

/** Applies Signet's HTTP defaults to an app (also used by tests that build apps from a testing module). */
export function configureApp(app: NestExpressApplication, http: HttpSettings): void {
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // Mounted on Express itself (not a Nest route) so unmatched requests are counted as such.
  app.use(app.get(HttpMetrics).middleware);
  app.useBodyParser('json', { limit: http.bodyLimit });
  // Nest turns body-parser's SyntaxError into a bare BadRequestException; keep what it was, so the
  // app's error filter can say "not valid JSON" rather than echo a parser message.
  app.use((err: unknown, _req: unknown, _res: unknown, next: (e: unknown) => void) => {
    const parserError = err as { type?: unknown };
    next(
      err instanceof SyntaxError && parserError.type === 'entity.parse.failed'
        ? Object.assign(new Error('request body is not valid JSON'), {
            type: 'entity.parse.failed',
            status: 400,
          })
        : err,
    );
  });
  app.enableShutdownHooks();
}

/** Starts listening and logs where. */
export async function listen(
  app: INestApplication,
  name: string,
  port: number,
  host: string,
  publicUrl: string,
): Promise<void> {
  await app.listen(port, host);
  app
    .get(Logger)
    .log(`${name} listening on http://${host}:${port} (public URL ${publicUrl})`, 'Bootstrap');
}
