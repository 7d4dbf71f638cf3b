import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureApp, loadConfig, type SignetConfig } from '@app/platform';

/** Config for an in-process test app on `databaseUrl`, quiet unless a test asks otherwise. */
export function testConfig(databaseUrl: string, env: NodeJS.ProcessEnv = {}): SignetConfig {
  return loadConfig(
    { DATABASE_URL: databaseUrl, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...env },
    __dirname,
  );
}

/** Boots an app module in this process (no port; use supertest on `getHttpServer()`). */
export async function bootApp(
  module: DynamicModule,
  bodyLimit: number | string = '128kb',
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bufferLogs: true,
    bodyParser: false,
    logger: false,
    abortOnError: false,
  });
  configureApp(app, { bodyLimit });
  await app.init();
  return app;
}
