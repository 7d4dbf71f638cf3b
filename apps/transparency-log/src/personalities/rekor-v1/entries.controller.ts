import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { LogError } from '../../errors';
import { parseIndex } from '../../http/params';
import { EntriesService } from './entries.service';
import type { LogEntryBody } from './log-entry.view';

const MAX_RETRIEVE = 10;

@Controller('api/v1/log/entries')
export class EntriesController {
  constructor(private readonly entries: EntriesService) {}

  @Post()
  @HttpCode(201)
  async create(
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, LogEntryBody>> {
    const { uuid, entry } = await this.entries.create(body);
    res.setHeader('ETag', uuid);
    res.setHeader('Location', `/api/v1/log/entries/${uuid}`);
    return entry;
  }

  @Get()
  byLogIndex(@Query('logIndex') logIndex: unknown): Promise<Record<string, LogEntryBody>> {
    return this.entries.byLogIndex(parseIndex('logIndex', logIndex));
  }

  @Get(':entryUUID')
  byUuid(@Param('entryUUID') uuid: string): Promise<Record<string, LogEntryBody>> {
    return this.entries.byUuid(uuid);
  }

  @Post('retrieve')
  @HttpCode(200)
  retrieve(@Body() body: unknown): Promise<Array<Record<string, LogEntryBody>>> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new LogError('MALFORMED_REQUEST', 'request body must be a JSON object');
    }
    const query = body as Record<string, unknown>;
    for (const key of Object.keys(query)) {
      if (!['entryUUIDs', 'logIndexes', 'entries'].includes(key)) {
        throw new LogError(
          'MALFORMED_REQUEST',
          `${key}: unknown field (expected entryUUIDs, logIndexes or entries)`,
        );
      }
    }
    const list = (field: string): unknown[] | undefined => {
      const value = query[field];
      if (value === undefined) return undefined;
      if (!Array.isArray(value))
        throw new LogError('MALFORMED_REQUEST', `${field} must be an array`);
      if (value.length > MAX_RETRIEVE) {
        throw new LogError(
          'UNPROCESSABLE',
          `${field} has ${value.length} items; at most ${MAX_RETRIEVE} are allowed`,
        );
      }
      return value as unknown[];
    };
    const entryUUIDs = list('entryUUIDs')?.map((u, i) => {
      if (typeof u !== 'string')
        throw new LogError('MALFORMED_REQUEST', `entryUUIDs[${i}] must be a string`);
      return u;
    });
    const logIndexes = list('logIndexes')?.map((v, i) => parseIndex(`logIndexes[${i}]`, v));
    const entries = list('entries');
    if (entryUUIDs === undefined && logIndexes === undefined && entries === undefined) {
      throw new LogError('UNPROCESSABLE', 'one of entryUUIDs, logIndexes or entries is required');
    }
    return this.entries.retrieve({ entryUUIDs, logIndexes, entries });
  }
}
