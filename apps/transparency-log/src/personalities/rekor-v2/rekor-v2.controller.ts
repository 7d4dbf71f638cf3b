import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { RekorV2Service, type TransparencyLogEntryJson } from './rekor-v2.service';

/**
 * Rekor v2's write API (rekor-tiles): `POST /api/v2/log/entries`, 201 with a
 * `TransparencyLogEntry`. Its reads are the C2SP tiles at `/api/v2/checkpoint` and
 * `/api/v2/tile/...` (the tiles personality), by the shard's hostname.
 */
@Controller('api/v2/log')
export class RekorV2Controller {
  constructor(private readonly entries: RekorV2Service) {}

  @Post('entries')
  @HttpCode(201)
  create(@Body() body: unknown, @Req() req: Request): Promise<TransparencyLogEntryJson> {
    return this.entries.create(body, req.hostname);
  }
}
