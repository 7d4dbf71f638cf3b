import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { AdminUser, RequireRole } from '../auth/admin.guard';
import type { AdminPrincipal } from '../auth/principal';
import {
  type ApiTokenMetadata,
  ApiTokensService,
  type CreatedApiToken,
} from './api-tokens.service';

/** `/api/admin/v1/tokens`: API tokens for automation (owner only). */
@Controller('api/admin/v1/tokens')
@RequireRole('owner')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Post()
  @HttpCode(201)
  create(
    @AdminUser() principal: AdminPrincipal,
    @Body() body: unknown,
    @Req() req: Request,
  ): Promise<CreatedApiToken> {
    return this.tokens.create(principal, body, req);
  }

  @Get()
  async list(): Promise<{ tokens: ApiTokenMetadata[] }> {
    return { tokens: await this.tokens.list() };
  }

  @Delete(':id')
  @HttpCode(204)
  revoke(
    @AdminUser() principal: AdminPrincipal,
    @Param('id') id: string,
    @Req() req: Request,
  ): Promise<void> {
    return this.tokens.revoke(principal, id, req);
  }
}
