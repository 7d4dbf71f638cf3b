import { Controller, Get, Header } from '@nestjs/common';
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
  @Header('Content-Type', TRUSTED_ROOT_MEDIA_TYPE)
  async trustedRoot(): Promise<string> {
    return JSON.stringify(await this.trust.trustedRoot());
  }

  @Get('signingConfig')
  @Header('Content-Type', SIGNING_CONFIG_MEDIA_TYPE)
  signingConfig(): string {
    return JSON.stringify(this.trust.signingConfig());
  }
}
