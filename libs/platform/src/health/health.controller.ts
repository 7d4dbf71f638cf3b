import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';

const TIMEOUT_MS = 2000;

@Controller()
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  /** 200 `{status: "ok"}` when the database answers; 503 with the reason otherwise. */
  @Get('healthz')
  async health(
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ status: string; reason?: string }> {
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), TIMEOUT_MS);
      return { status: 'ok' };
    } catch (err) {
      res.status(503);
      return { status: 'unavailable', reason: `database: ${(err as Error).message}` };
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
