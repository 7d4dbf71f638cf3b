import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  SIGNING_CONFIG_MEDIA_TYPE,
  TRUSTED_ROOT_MEDIA_TYPE,
  TrustedRootService,
} from './trusted-root.service';

/** What a client needs to trust this instance (`TrustedRoot`) and to find it (`SigningConfig`). */
@Controller('api/v1')
export class TrustedRootController {
  constructor(private readonly trust: TrustedRootService) {}

  @Get('trustedRoot')
  async trustedRoot(@Res() res: Response): Promise<void> {
    send(res, TRUSTED_ROOT_MEDIA_TYPE, await this.trust.trustedRoot());
  }

  @Get('signingConfig')
  async signingConfig(@Res() res: Response): Promise<void> {
    send(res, SIGNING_CONFIG_MEDIA_TYPE, await this.trust.signingConfig());
  }
}

/** Sends JSON under Sigstore's exact media type (Express would append a charset to it). */
function send(res: Response, mediaType: string, body: object): void {
  res.setHeader('Content-Type', mediaType);
  res.end(JSON.stringify(body));
}
