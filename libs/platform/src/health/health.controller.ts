import { Controller, Get, Logger, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';

const TIMEOUT_MS = 2000;

@Controller()
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(private readonly dataSource: DataSource) {}

  /**
   * 200 `{status: "ok"}` when the database answers; 503 `{status: "unavailable", reason:
   * "database unavailable"}` otherwise. The database's own error (host names, authentication
   * failures) goes to the log, never to the public answer.
   */
  @Get('healthz')
  async health(
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ status: string; reason?: string }> {
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), TIMEOUT_MS);
      return { status: 'ok' };
    } catch (err) {
      this.logger.error(`health check: the database did not answer: ${(err as Error).message}`);
      res.status(503);
      return { status: 'unavailable', reason: 'database unavailable' };
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
