import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { HttpMetrics } from '../metrics/metrics';
import { postsInFlightLimit } from './in-flight';

export interface HttpSettings {
  /** Largest accepted request body: bytes, or a size such as '128kb'. */
  bodyLimit: number | string;
  /** Most POST requests one client address may have in flight (429 beyond); unset: no limit. */
  postsInFlightPerClient?: number;
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
  // The apps answer JSON, PEM, notes and binary tiles, some of it bytes a client chose: a browser
  // must never sniff them into something it runs or frames. TLS and HSTS belong to the proxy in
  // front (README: Running in production).
  app.use(
    (_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void) => {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
      res.setHeader('Referrer-Policy', 'no-referrer');
      next();
    },
  );
  // Mounted on Express itself (not a Nest route) so unmatched requests are counted as such.
  app.use(app.get(HttpMetrics).middleware);
  // Before the body parser: a client over its limit costs no parsing.
  if (http.postsInFlightPerClient !== undefined && http.postsInFlightPerClient > 0) {
    app.use(postsInFlightLimit(http.postsInFlightPerClient));
  }
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
