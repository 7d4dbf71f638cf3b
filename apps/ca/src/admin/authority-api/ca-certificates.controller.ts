import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { AdminUser, RequireRole } from '../auth/admin.guard';
import type { AdminPrincipal } from '../auth/principal';
import { type CaCertificateView, CaCertificatesService } from './ca-certificates.service';

/** The instance's CA certificates, and their retirement (`signet ca distrust` over the API). */
@Controller('api/admin/v1/ca-certificates')
export class CaCertificatesController {
  constructor(private readonly certificates: CaCertificatesService) {}

  @Get()
  @RequireRole('viewer')
  async list(): Promise<{ certificates: CaCertificateView[] }> {
    return { certificates: await this.certificates.list() };
  }

  /** The log refuses chains through it from then on; it cannot be undone. */
  @Post(':fingerprint/distrust')
  @HttpCode(200)
  @RequireRole('owner')
  distrust(
    @Param('fingerprint') fingerprint: string,
    @Body() body: { reason?: unknown } | undefined,
    @AdminUser() principal: AdminPrincipal,
    @Req() req: Request,
  ): Promise<CaCertificateView> {
    return this.certificates.distrust(fingerprint, body?.reason, principal, {
      requestId: req.header('x-request-id'),
      clientAddress: req.socket.remoteAddress,
    });
  }
}
