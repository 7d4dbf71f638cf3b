import { Controller, Get, Logger, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { HealthRegistry } from './health-registry';

const TIMEOUT_MS = 2000;

@Controller()
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: HealthRegistry,
  ) {}

  /**
   * 200 `{status: "ok"}` when the database answers and the app's own checks pass (with
   * `warnings` when one has any); 503 `{status: "unavailable", reason}` otherwise: "database
   * unavailable", or what an app check found. The database's own error (host names, authentication
   * failures) goes to the log, never to the public answer.
   */
  @Get('healthz')
  async health(
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ status: string; reason?: string; warnings?: string[] }> {
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), TIMEOUT_MS);
    } catch (err) {
      this.logger.error(`health check: the database did not answer: ${(err as Error).message}`);
      res.status(503);
      return { status: 'unavailable', reason: 'database unavailable' };
    }
    const { failures, warnings } = await this.registry.run(new Date());
    const shown = warnings.length > 0 ? { warnings } : {};
    if (failures.length > 0) {
      res.status(503);
      return { status: 'unavailable', reason: failures.join('; '), ...shown };
    }
    return { status: 'ok', ...shown };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
