import { Body, Controller, Get, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ConsoleErrorFilter } from './console-error.filter';
import type { Request, Response } from 'express';
import { caErrorStatus } from '../../http/ca-error.filter';
import { AdminUser, RequireRole } from '../auth/admin.guard';
import { AdminError } from '../auth/admin.error';
import type { AdminPrincipal } from '../auth/principal';
import { ApiTokensService } from '../tokens/api-tokens.service';
import { CONSOLE_PATHS } from './console-paths';
import { pageContext, redirectWithFlash, sendPage } from './console-page';
import { apiTokenRow, grantableRoles } from './console-views';
import { renderApiTokensPage } from './pages/tokens.page';
import { type FormBody, formText } from './rule-form';
import type { ApiTokenFormValues, ApiTokensView, FormState } from './view-models';

const EMPTY: ApiTokenFormValues = { name: '', role: 'viewer', expiresIn: '30d' };

/**
 * API tokens (owners, as `/api/admin/v1/tokens`): the list, a create form whose answer shows the
 * new secret this once (never put in a redirect or the session), and revocation.
 */
@UseFilters(ConsoleErrorFilter)
@Controller('admin/tokens')
@RequireRole('owner')
export class TokensPageController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Get()
  async list(
    @AdminUser() principal: AdminPrincipal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    sendPage(res, await this.page(principal, req, { values: EMPTY, errors: {} }));
  }

  @Post()
  async create(
    @AdminUser() principal: AdminPrincipal,
    @Body() body: FormBody | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const values: ApiTokenFormValues = {
      name: formText(body, 'name').trim(),
      role: formText(body, 'role'),
      expiresIn: formText(body, 'expiresIn').trim(),
    };
    try {
      const created = await this.tokens.create(principal, values, req);
      const secret = { id: created.id, name: created.name, secret: created.token };
      sendPage(res, await this.page(principal, req, { values: EMPTY, errors: {} }, secret), 201);
    } catch (err) {
      if (!(err instanceof AdminError)) throw err;
      const field = /^(?:role )?(name|role|expiresIn)\b/.exec(err.message)?.[1];
      const form: FormState<ApiTokenFormValues> =
        field === undefined
          ? { values, errors: {}, formError: err.message }
          : { values, errors: { [field]: err.message } };
      sendPage(res, await this.page(principal, req, form), caErrorStatus(err) ?? 400);
    }
  }

  @Post(':id/revoke')
  async revoke(
    @Param('id') id: string,
    @AdminUser() principal: AdminPrincipal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    try {
      await this.tokens.revoke(principal, id, req);
      await redirectWithFlash(req, res, CONSOLE_PATHS.tokens, {
        kind: 'success',
        message: `Token ${id} revoked: it is refused from now on.`,
      });
    } catch (err) {
      if (!(err instanceof AdminError)) throw err;
      await redirectWithFlash(req, res, CONSOLE_PATHS.tokens, {
        kind: 'error',
        message: err.message,
      });
    }
  }

  private async page(
    principal: AdminPrincipal,
    req: Request,
    form: FormState<ApiTokenFormValues>,
    created?: ApiTokensView['created'],
  ): Promise<string> {
    const view: ApiTokensView = {
      tokens: (await this.tokens.list()).map(apiTokenRow),
      form,
      roleChoices: grantableRoles(principal),
      ...(created === undefined ? {} : { created }),
    };
    return renderApiTokensPage(pageContext(principal, req), view);
  }
}
