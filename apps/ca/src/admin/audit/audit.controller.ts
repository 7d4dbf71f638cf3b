import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { JsonValue } from '@app/signing';
import { AdminError } from '../auth/admin.error';
import { RequireRole } from '../auth/admin.guard';
import { AdminAuditLog } from './admin-audit';

const MAX_LIMIT = 200;

/** `GET /api/admin/v1/audit`: the admin audit trail, newest first, keyset-paginated. */
@Controller('api/admin/v1/audit')
export class AuditController {
  constructor(private readonly audit: AdminAuditLog) {}

  @Get()
  @RequireRole('viewer')
  async list(
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ events: JsonValue[] }> {
    const text = (name: string): string | undefined => {
      const v = query[name];
      if (v === undefined) return undefined;
      if (typeof v !== 'string' || v === '' || v.length > 512) {
        throw new AdminError('INVALID_REQUEST', `${name} must be one non-empty value`);
      }
      return v;
    };
    const time = (name: string): Date | undefined => {
      const v = text(name);
      if (v === undefined) return undefined;
      const at = new Date(v);
      if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(v)) {
        throw new AdminError('INVALID_REQUEST', `${name} must be an RFC 3339 time`);
      }
      return at;
    };
    const cursor = text('cursor');
    if (cursor !== undefined && !/^[1-9]\d{0,18}$/.test(cursor)) {
      throw new AdminError('INVALID_REQUEST', 'cursor must be the value of a Link rel="next"');
    }
    const limitText = text('limit') ?? '50';
    const limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > MAX_LIMIT) {
      throw new AdminError('INVALID_REQUEST', `limit must be an integer from 1 to ${MAX_LIMIT}`);
    }
    const { events, next } = await this.audit.list({
      actor: text('actor'),
      action: text('action'),
      since: time('since'),
      until: time('until'),
      before: cursor === undefined ? undefined : BigInt(cursor),
      limit,
    });
    if (next !== undefined) {
      const url = new URL(req.originalUrl, 'http://signet.invalid');
      url.searchParams.set('cursor', next.toString());
      res.setHeader('Link', `<${url.pathname}${url.search}>; rel="next"`);
    }
    return { events };
  }
}
