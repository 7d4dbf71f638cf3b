import { Controller, Get, Header, Inject, NotFoundException, Req } from '@nestjs/common';
import type { Request } from 'express';
import { isLoopbackHost, type SignetConfig } from '../config/config';
import { SIGNET_CONFIG } from '../config/config.token';
import { HttpMetrics } from './metrics';

/** Headers a reverse proxy adds: a request carrying one came from elsewhere, whatever its socket. */
const FORWARDED = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: HttpMetrics,
    @Inject(SIGNET_CONFIG) private readonly config: SignetConfig,
  ) {}

  /**
   * Prometheus metrics, for the operator only (SIGNET_METRICS): by default to requests made
   * directly on this machine (a loopback peer, no proxy's forwarding header); 404 to anyone else,
   * as if there were no such route.
   */
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(@Req() req: Request): Promise<string> {
    if (!this.mayRead(req)) throw new NotFoundException();
    return this.metrics.registry.metrics();
  }

  private mayRead(req: Request): boolean {
    switch (this.config.metrics) {
      case 'public':
        return true;
      case 'off':
        return false;
      case 'loopback': {
        const peer = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
        return isLoopbackHost(peer) && !FORWARDED.some((h) => req.headers[h] !== undefined);
      }
    }
  }
}
