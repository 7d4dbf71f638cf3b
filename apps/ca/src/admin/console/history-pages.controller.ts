import { Controller, Get, Inject, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ConsoleErrorFilter } from './console-error.filter';
import type { Request, Response } from 'express';
import { SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import { AdminAuditLog } from '../audit/admin-audit';
import { AdminUser, RequireRole } from '../auth/admin.guard';
import type { AdminPrincipal } from '../auth/principal';
import { AdminPolicyService } from '../policy-api/admin-policy.service';
import { pageContext, sendPage } from './console-page';
import { auditRow, issuanceRow, issuerRow, policyVersionRow } from './console-views';
import { auditFilter, issuanceFilter, PAGE_SIZE, versionCursor } from './history-filters';
import { renderAuditPage } from './pages/audit.page';
import { renderIssuancesPage } from './pages/issuances.page';
import { renderIssuersPage } from './pages/issuers.page';
import { renderPolicyVersionsPage } from './pages/policy-versions.page';

/**
 * The console's read-only pages, for viewers: issuers, the issuance history, the policy versions
 * with their transparency-log entries, and the admin audit trail. Histories are newest first,
 * filtered by a GET form and paged by keyset cursors, like the JSON API.
 */
@UseFilters(ConsoleErrorFilter)
@Controller('admin')
@RequireRole('viewer')
export class HistoryPagesController {
  private readonly logUrl: string;

  constructor(
    private readonly admin: AdminPolicyService,
    private readonly audit: AdminAuditLog,
    @Inject(SIGNET_CONFIG) config: SignetConfig,
  ) {
    this.logUrl = config.logPublicUrl.replace(/\/+$/, '');
  }

  @Get('issuers')
  issuers(@AdminUser() principal: AdminPrincipal, @Req() req: Request, @Res() res: Response): void {
    const head = this.admin.head();
    const view = {
      issuers: head.content.issuers.map(issuerRow),
      policyVersion: String(head.version),
    };
    sendPage(res, renderIssuersPage(pageContext(principal, req), view));
  }

  @Get('issuances')
  async issuances(
    @Query() query: Record<string, unknown>,
    @AdminUser() principal: AdminPrincipal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { values, filter, errors } = issuanceFilter(query);
    const failed = Object.keys(errors).length > 0;
    const rows = failed ? [] : await this.admin.issuances(filter);
    const last = rows.length === PAGE_SIZE ? rows[rows.length - 1] : undefined;
    const view = {
      values,
      errors,
      rows: rows.map((r) => issuanceRow(r, this.logUrl)),
      pagination: last === undefined ? {} : { next: last.cursor },
    };
    sendPage(res, renderIssuancesPage(pageContext(principal, req), view), failed ? 400 : 200);
  }

  @Get('policy/versions')
  async policyVersions(
    @Query() query: Record<string, unknown>,
    @AdminUser() principal: AdminPrincipal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const head = this.admin.head().version;
    const rows = await this.admin.versionRows(PAGE_SIZE + 1, versionCursor(query));
    const page = rows.slice(0, PAGE_SIZE);
    const view = {
      versions: page.map((r) => policyVersionRow(r, head, this.logUrl)),
      pagination: rows.length > PAGE_SIZE ? { next: String(page[page.length - 1]!.version) } : {},
    };
    sendPage(res, renderPolicyVersionsPage(pageContext(principal, req), view));
  }

  @Get('audit')
  async auditTrail(
    @Query() query: Record<string, unknown>,
    @AdminUser() principal: AdminPrincipal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { values, errors, ...q } = auditFilter(query);
    const failed = Object.keys(errors).length > 0;
    const { events, next } = failed
      ? { events: [], next: undefined }
      : await this.audit.list({ ...q, limit: PAGE_SIZE });
    const view = {
      values,
      errors,
      rows: events.map(auditRow),
      pagination: next === undefined ? {} : { next: next.toString() },
    };
    sendPage(res, renderAuditPage(pageContext(principal, req), view), failed ? 400 : 200);
  }
}
