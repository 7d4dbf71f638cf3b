import { Body, Controller, Get, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ConsoleErrorFilter } from './console-error.filter';
import type { Request, Response } from 'express';
import { KEY_ALGORITHMS, PolicyError } from '../../policy';
import { caErrorStatus } from '../../http/ca-error.filter';
import { AdminUser, RequireRole } from '../auth/admin.guard';
import type { AdminPrincipal } from '../auth/principal';
import { AdminPolicyService } from '../policy-api/admin-policy.service';
import { pageContext, sendPage } from './console-page';
import {
  DRY_RUN_MESSAGE_FIELDS,
  dryRunFormValues,
  dryRunResultView,
  evaluateInput,
} from './dry-run-form';
import { formErrors } from './form-errors';
import { renderDryRunPage } from './pages/dry-run.page';
import type { FormBody } from './rule-form';
import type { DryRunFormValues, DryRunView } from './view-models';

/**
 * "Paste a token or claims: who may sign, and why not?": the dry run of the JSON API
 * (`AdminPolicyService.evaluate`, the engine the CA issues with), for viewers. Nothing is issued
 * and the token is not stored.
 */
@UseFilters(ConsoleErrorFilter)
@Controller('admin/dry-run')
@RequireRole('viewer')
export class DryRunPageController {
  constructor(private readonly admin: AdminPolicyService) {}

  @Get()
  form(@AdminUser() principal: AdminPrincipal, @Req() req: Request, @Res() res: Response): void {
    const values = { input: '', issuer: '', keyAlgorithm: KEY_ALGORITHMS[0] };
    sendPage(res, renderDryRunPage(pageContext(principal, req), this.view(values)));
  }

  /** A POST that changes nothing: it answers the page with the result (no redirect). */
  @Post()
  @HttpCode(200)
  async evaluate(
    @AdminUser() principal: AdminPrincipal,
    @Body() body: FormBody | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const values = dryRunFormValues(body);
    const ctx = pageContext(principal, req);
    const asked = evaluateInput(values);
    if ('errors' in asked) {
      sendPage(res, renderDryRunPage(ctx, { ...this.view(values), errors: asked.errors }), 400);
      return;
    }
    try {
      const answer = await this.admin.evaluate(asked.input, principal);
      const view = { ...this.view(values), result: dryRunResultView(answer) };
      sendPage(res, renderDryRunPage(ctx, view));
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      const problems = formErrors(err.message, DRY_RUN_MESSAGE_FIELDS);
      const view = { ...this.view(values), ...problems };
      sendPage(res, renderDryRunPage(ctx, view), caErrorStatus(err) ?? 400);
    }
  }

  private view(values: DryRunFormValues): DryRunView {
    return {
      values,
      errors: {},
      issuerChoices: this.admin
        .head()
        .content.issuers.flatMap((i) => (i.url === undefined ? [] : [i.url])),
      keyAlgorithmChoices: KEY_ALGORITHMS,
    };
  }
}
