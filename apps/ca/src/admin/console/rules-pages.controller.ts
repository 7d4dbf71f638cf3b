import { Body, Controller, Get, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ConsoleErrorFilter } from './console-error.filter';
import type { Request, Response } from 'express';
import { KEY_ALGORITHMS, PolicyError, type PolicyState } from '../../policy';
import { caErrorStatus } from '../../http/ca-error.filter';
import { AdminUser, RequireRole } from '../auth/admin.guard';
import { AdminError } from '../auth/admin.error';
import { type AdminPrincipal, ROLE_RANK } from '../auth/principal';
import { AdminPolicyService, type ChangeRequest } from '../policy-api/admin-policy.service';
import { CONSOLE_PATHS, ruleDeletePath, rulePath } from './console-paths';
import { pageContext, redirectWithFlash, sendPage } from './console-page';
import { ruleRow } from './console-views';
import { formErrors } from './form-errors';
import { renderRuleFormPage, renderRulesPage } from './pages/rules.page';
import {
  EMPTY_RULE_FORM,
  type FormBody,
  formText,
  ifMatchOf,
  RULE_MESSAGE_FIELDS,
  ruleFormFromRule,
  ruleFormValues,
  ruleFromForm,
} from './rule-form';
import type { RuleFormValues, RuleFormView } from './view-models';

/**
 * The console's rules: the list (viewers), the new and edit forms and their POSTs (editors), each
 * a call to {@link AdminPolicyService} exactly as the JSON API makes it (If-Match from the form's
 * hidden version, a reason, the same validation), answered by a redirect with a flash, or by the
 * form again with each problem next to its field.
 */
@UseFilters(ConsoleErrorFilter)
@Controller('admin')
export class RulesPagesController {
  constructor(private readonly admin: AdminPolicyService) {}

  @Get()
  @RequireRole('viewer')
  home(@Res() res: Response): void {
    res.redirect(302, CONSOLE_PATHS.rules);
  }

  @Get('rules')
  @RequireRole('viewer')
  list(@AdminUser() principal: AdminPrincipal, @Req() req: Request, @Res() res: Response): void {
    const head = this.admin.head();
    const fileOwned = this.admin.source() === 'file';
    sendPage(
      res,
      renderRulesPage(pageContext(principal, req), {
        rules: head.rules.map(ruleRow),
        policyVersion: String(head.version),
        canEdit: !fileOwned && ROLE_RANK[principal.role] >= ROLE_RANK.editor,
        ...(fileOwned
          ? { readOnlyReason: 'the policy is owned by SIGNET_CONFIG (policy.source: file)' }
          : {}),
      }),
    );
  }

  @Get('new-rule')
  @RequireRole('editor')
  newRule(@AdminUser() principal: AdminPrincipal, @Req() req: Request, @Res() res: Response): void {
    this.form(res, principal, req, 'create', EMPTY_RULE_FORM, this.admin.head());
  }

  @Post('rules')
  @RequireRole('editor')
  async create(
    @AdminUser() principal: AdminPrincipal,
    @Body() body: FormBody | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const values = ruleFormValues(body);
    await this.change(res, principal, req, 'create', values, body, async (change, rule) => {
      const state = await this.admin.createRule(change, rule);
      return `Rule ${values.name} created (policy version ${state.version}).`;
    });
  }

  @Get('rules/:name')
  @RequireRole('editor')
  edit(
    @Param('name') name: string,
    @AdminUser() principal: AdminPrincipal,
    @Req() req: Request,
    @Res() res: Response,
  ): void {
    const head = this.admin.head();
    this.form(res, principal, req, 'edit', ruleFormFromRule(this.admin.rule(name)), head);
  }

  /** A full replace: what the form leaves empty takes its default, as PUT does. */
  @Post('rules/:name')
  @RequireRole('editor')
  async update(
    @Param('name') name: string,
    @AdminUser() principal: AdminPrincipal,
    @Body() body: FormBody | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const values = ruleFormValues(body);
    await this.change(
      res,
      principal,
      req,
      'edit',
      values,
      body,
      async (change, rule) => {
        const state = await this.admin.replaceRule(change, name, rule);
        return `Rule ${name} saved (policy version ${state.version}).`;
      },
      name,
    );
  }

  @Post('rules/:name/delete')
  @RequireRole('editor')
  async delete(
    @Param('name') name: string,
    @AdminUser() principal: AdminPrincipal,
    @Body() body: FormBody | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const reason = formText(body, 'deleteReason').trim();
    try {
      const state = await this.admin.deleteRule(
        changeRequest(req, principal, body, reason === '' ? undefined : reason),
        name,
      );
      await redirectWithFlash(req, res, CONSOLE_PATHS.rules, {
        kind: 'success',
        message: `Rule ${name} deleted (policy version ${state.version}).`,
      });
    } catch (err) {
      const status = refusal(err);
      if (status === 404) return await this.gone(req, res, (err as Error).message);
      const head = this.admin.head();
      const message = (err as Error).message.replace(/^reason: /, 'Reason for deleting: ');
      const values = ruleFormFromRule(this.admin.rule(name));
      const problems = { errors: {}, formError: message };
      this.form(res, principal, req, 'edit', values, head, problems, status, ifMatchOf(body), name);
    }
  }

  /** Validates and makes one change; a refusal shows the form again with its problems. */
  private async change(
    res: Response,
    principal: AdminPrincipal,
    req: Request,
    mode: 'create' | 'edit',
    values: RuleFormValues,
    body: FormBody | undefined,
    make: (change: ChangeRequest, rule: Record<string, unknown>) => Promise<string>,
    name?: string,
  ): Promise<void> {
    const head = this.admin.head();
    const { rule, errors } = ruleFromForm(values);
    const again = (problems: Pick<RuleFormView, 'errors' | 'formError'>, status: number) =>
      this.form(res, principal, req, mode, values, head, problems, status, ifMatchOf(body), name);
    if (Object.keys(errors).length > 0) {
      // The rule's own problems too, so that one round trip names them all.
      let ruleErrors = {};
      try {
        this.admin.checkRule(rule);
      } catch (err) {
        if (!(err instanceof PolicyError)) throw err;
        ruleErrors = formErrors(err.message, RULE_MESSAGE_FIELDS).errors;
      }
      return again({ errors: { ...ruleErrors, ...errors } }, 400);
    }
    try {
      const message = await make(changeRequest(req, principal, body, values.reason), rule);
      await redirectWithFlash(req, res, CONSOLE_PATHS.rules, { kind: 'success', message });
    } catch (err) {
      const status = refusal(err);
      if (status === 404 && mode === 'edit')
        return await this.gone(req, res, (err as Error).message);
      again(formErrors((err as Error).message, RULE_MESSAGE_FIELDS), status);
    }
  }

  private form(
    res: Response,
    principal: AdminPrincipal,
    req: Request,
    mode: 'create' | 'edit',
    values: RuleFormValues,
    head: PolicyState,
    problems: Pick<RuleFormView, 'errors' | 'formError'> = { errors: {} },
    status = 200,
    ifMatch?: string,
    /** The rule being edited (its URL), whatever its form's name field now says. */
    name = values.name,
  ): void {
    // A refused form keeps the version it was loaded at: saving again must not skip a change made
    // meanwhile by someone else (412 says so).
    const version = ifMatch?.slice(2, -1) ?? String(head.version);
    const view: RuleFormView = {
      mode,
      action: mode === 'create' ? CONSOLE_PATHS.rules : rulePath(name),
      policyVersion: version,
      keyAlgorithmChoices: KEY_ALGORITHMS,
      ...(mode === 'edit' ? { deleteAction: ruleDeletePath(name) } : {}),
      values,
      ...problems,
    };
    sendPage(res, renderRuleFormPage(pageContext(principal, req), view), status);
  }

  /** The rule is no longer there (deleted meanwhile): back to the list, saying so. */
  private async gone(req: Request, res: Response, message: string): Promise<void> {
    await redirectWithFlash(req, res, CONSOLE_PATHS.rules, { kind: 'error', message });
  }
}

function changeRequest(
  req: Request,
  principal: AdminPrincipal,
  body: FormBody | undefined,
  reason: string | undefined,
): ChangeRequest {
  return {
    principal,
    ifMatch: ifMatchOf(body),
    reason,
    requestId: req.header('x-request-id'),
    clientAddress: req.socket.remoteAddress,
  };
}

/** The status of a refused change; anything but a policy or admin error is a fault (rethrown). */
function refusal(err: unknown): number {
  const status =
    err instanceof PolicyError || err instanceof AdminError ? caErrorStatus(err) : undefined;
  if (status === undefined) throw err;
  return status;
}
