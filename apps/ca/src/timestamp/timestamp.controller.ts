import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { MAX_TIMESTAMP_QUERY_BYTES, TimestampRequestError } from '@app/signing';
import { CaError } from '../errors';
import { TimestampService } from './timestamp.service';

/**
 * Sigstore's timestamp-authority API: `POST /api/v1/timestamp` with sigstore-js's JSON or an
 * RFC 3161 DER query, answered 200 with a DER `TimeStampResp`; `GET /api/v1/timestamp/certchain`.
 */
@Controller('api/v1/timestamp')
export class TimestampController {
  constructor(private readonly timestamps: TimestampService) {}

  @Post()
  async timestamp(@Req() req: Request, @Res() res: Response): Promise<void> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    let request;
    if (type === 'application/json') {
      request = this.timestamps.fromJson(req.body);
    } else if (type === 'application/timestamp-query') {
      request = this.timestamps.fromQuery(await readQuery(req));
    } else {
      throw new CaError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type ${type === '' ? '(none)' : type} is not accepted: send application/timestamp-query (DER) or application/json`,
      );
    }
    const response = await this.timestamps.timestamp(request);
    res.status(200).setHeader('Content-Type', 'application/timestamp-reply');
    res.end(Buffer.from(response));
  }

  @Get('certchain')
  certchain(@Res() res: Response): void {
    res.setHeader('Content-Type', 'application/pem-certificate-chain');
    res.end(this.timestamps.chainPem());
  }
}

/** The DER body of a timestamp query, read up to its cap (the JSON parser leaves it unread). */
async function readQuery(req: Request): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_TIMESTAMP_QUERY_BYTES) {
      throw new TimestampRequestError(
        'TimeStampReq',
        `is larger than ${MAX_TIMESTAMP_QUERY_BYTES} bytes`,
      );
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
