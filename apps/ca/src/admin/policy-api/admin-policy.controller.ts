import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { PolicyError, type PolicyState } from '../../policy';
import { AdminUser, RequireRole } from '../auth/admin.guard';
import type { AdminPrincipal } from '../auth/principal';
import { AdminPolicyService, type ChangeRequest, type EvaluateInput } from './admin-policy.service';
import type { EvaluateAnswer } from './dry-run-answer';
import { decodeCursor } from './issuances.cursor';

const MAX_PAGE = 200;

/**
 * The policy as data, under `/api/admin/v1/`: rules and issuers (list, get, create, full replace,
 * delete), the versions and the policy key, the dry run, and the issuance history. Every change
 * needs `If-Match` with the policy's ETag and a `reason`, and answers with the new version.
 */
@Controller('api/admin/v1')
export class AdminPolicyController {
  constructor(private readonly admin: AdminPolicyService) {}

  @Get('policy')
  @RequireRole('viewer')
  async policy(@Res({ passthrough: true }) res: Response): Promise<Record<string, unknown>> {
    const head = this.admin.head();
    res.setHeader('ETag', this.admin.etag(head.version));
    return this.admin.view(head, await this.admin.headRow());
  }

  /** The whole policy replaced (`signet admin rules import`). */
  @Put('policy')
  @RequireRole('editor')
  async importPolicy(
    @Body() body: { issuers?: unknown; rules?: unknown; reason?: unknown },
    @AdminUser() principal: AdminPrincipal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    return this.answer(
      res,
      await this.admin.replacePolicy(this.change(req, principal, body), body ?? {}),
    );
  }

  /** The policy key's public key (PEM): what `signet admin audit` checks statements against. */
  @Get('policy/key')
  @Header('Content-Type', 'application/x-pem-file')
  policyKey(): string {
    return this.admin.policyKeyPem();
  }

  @Get('policy/versions')
  @RequireRole('viewer')
  async versions(
    @Query('before') before: string | undefined,
    @Query('limit') limit: string | undefined,
  ): Promise<Record<string, unknown>> {
    const size = pageSize(limit);
    const rows = await this.admin.listVersions(
      size,
      before === undefined ? undefined : positive(before, 'before'),
    );
    return { versions: rows };
  }

  @Get('policy/versions/:version')
  @RequireRole('viewer')
  version(@Param('version') version: string): Promise<Record<string, unknown>> {
    return this.admin.version(positive(version, 'version'));
  }

  @Get('rules')
  @RequireRole('viewer')
  rules(@Res({ passthrough: true }) res: Response): Record<string, unknown> {
    const head = this.admin.head();
    res.setHeader('ETag', this.admin.etag(head.version));
    return { version: head.version, rules: this.admin.view(head).rules };
  }

  @Get('rules/:name')
  @RequireRole('viewer')
  rule(
    @Param('name') name: string,
    @Res({ passthrough: true }) res: Response,
  ): Record<string, unknown> {
    const head = this.admin.head();
    const rule = this.admin.rule(name);
    res.setHeader('ETag', this.admin.etag(head.version));
    return (this.admin.view(head).rules as Array<{ id: string }>).find((r) => r.id === rule.id)!;
  }

  @Post('rules')
  @HttpCode(201)
  @RequireRole('editor')
  async createRule(
    @Body() body: { rule?: unknown; reason?: unknown },
    @AdminUser() principal: AdminPrincipal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    return this.answer(
      res,
      await this.admin.createRule(this.change(req, principal, body), field(body, 'rule')),
    );
  }

  @Put('rules/:name')
  @RequireRole('editor')
  async replaceRule(
    @Param('name') name: string,
    @Body() body: { rule?: unknown; reason?: unknown },
    @AdminUser() principal: AdminPrincipal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    return this.answer(
      res,
      await this.admin.replaceRule(this.change(req, principal, body), name, field(body, 'rule')),
    );
  }

  @Delete('rules/:name')
  @RequireRole('editor')
  async deleteRule(
    @Param('name') name: string,
    @Body() body: { reason?: unknown } | undefined,
    @Query('reason') reason: string | undefined,
    @AdminUser() principal: AdminPrincipal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    const change = this.change(req, principal, { reason: body?.reason ?? reason });
    return this.answer(res, await this.admin.deleteRule(change, name));
  }

  @Get('issuers')
  @RequireRole('viewer')
  issuers(@Res({ passthrough: true }) res: Response): Record<string, unknown> {
    const head = this.admin.head();
    res.setHeader('ETag', this.admin.etag(head.version));
    return { version: head.version, issuers: this.admin.view(head).issuers };
  }

  /** `key` is the issuer's `url` or `wildcardUrl`, URL-encoded. */
  @Get('issuers/:key')
  @RequireRole('viewer')
  issuer(@Param('key') key: string): Record<string, unknown> {
    return { ...this.admin.issuer(key) };
  }

  @Post('issuers')
  @HttpCode(201)
  @RequireRole('editor')
  async createIssuer(
    @Body() body: { issuer?: unknown; reason?: unknown },
    @AdminUser() principal: AdminPrincipal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    return this.answer(
      res,
      await this.admin.createIssuer(this.change(req, principal, body), field(body, 'issuer')),
    );
  }

  @Put('issuers/:key')
  @RequireRole('editor')
  async replaceIssuer(
    @Param('key') key: string,
    @Body() body: { issuer?: unknown; reason?: unknown },
    @AdminUser() principal: AdminPrincipal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    return this.answer(
      res,
      await this.admin.replaceIssuer(this.change(req, principal, body), key, field(body, 'issuer')),
    );
  }

  @Delete('issuers/:key')
  @RequireRole('editor')
  async deleteIssuer(
    @Param('key') key: string,
    @Body() body: { reason?: unknown } | undefined,
    @Query('reason') reason: string | undefined,
    @AdminUser() principal: AdminPrincipal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    const change = this.change(req, principal, { reason: body?.reason ?? reason });
    return this.answer(res, await this.admin.deleteIssuer(change, key));
  }

  /** The dry run: who may sign, and why not. Never issues anything. */
  @Post('evaluate')
  @HttpCode(200)
  @RequireRole('viewer')
  evaluate(
    @Body() body: EvaluateInput | undefined,
    @AdminUser() principal: AdminPrincipal,
  ): Promise<EvaluateAnswer> {
    if (typeof body !== 'object' || body === null) {
      throw new PolicyError(
        'INVALID_POLICY',
        'body: must be a JSON object with token, or issuer and claims',
      );
    }
    return this.admin.evaluate(body, principal);
  }

  @Get('issuances')
  @RequireRole('viewer')
  async issuanceHistory(
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    const text = (name: string): string | undefined => {
      const value = query[name];
      if (value === undefined) return undefined;
      if (typeof value !== 'string' || value === '') {
        throw new PolicyError('INVALID_POLICY', `${name}: must be given once, non-empty`);
      }
      return value;
    };
    const known = new Set([
      'identity',
      'issuer',
      'rule',
      'policyVersion',
      'since',
      'until',
      'cursor',
      'limit',
    ]);
    const unknown = Object.keys(query).find((k) => !known.has(k));
    if (unknown !== undefined)
      throw new PolicyError('INVALID_POLICY', `${unknown}: unknown filter`);
    const limit = pageSize(text('limit'));
    const policyVersion = text('policyVersion');
    const cursor = text('cursor');
    const rows = await this.admin.issuances({
      identity: text('identity'),
      issuer: text('issuer'),
      rule: text('rule'),
      policyVersion:
        policyVersion === undefined ? undefined : positive(policyVersion, 'policyVersion'),
      since: time(text('since'), 'since'),
      until: time(text('until'), 'until'),
      cursor: cursor === undefined ? undefined : decodeCursor(cursor),
      limit,
    });
    const last = rows.length === limit ? rows[rows.length - 1] : undefined;
    if (last !== undefined) {
      const next = new URLSearchParams(query as Record<string, string>);
      next.set('cursor', last.cursor);
      res.setHeader('Link', `<${req.path}?${next.toString()}>; rel="next"`);
    }
    return {
      issuances: rows.map(({ cursor: _cursor, ...row }) => ({
        ...row,
        ctEntry:
          row.ctLeafHash === null
            ? null
            : `/ct/v1/get-proof-by-hash?hash=${encodeURIComponent(row.ctLeafHash)}`,
      })),
      ...(last === undefined ? {} : { next: last.cursor }),
    };
  }

  private change(
    req: Request,
    principal: AdminPrincipal,
    body: { reason?: unknown } | undefined,
  ): ChangeRequest {
    return {
      principal,
      ifMatch: req.header('if-match'),
      reason: body?.reason,
      requestId: req.header('x-request-id'),
      clientAddress: req.socket.remoteAddress,
    };
  }

  private answer(res: Response, state: PolicyState): Record<string, unknown> {
    res.setHeader('ETag', this.admin.etag(state.version));
    return this.admin.view(state);
  }
}

function field(body: Record<string, unknown> | undefined, name: string): unknown {
  const value = body?.[name];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PolicyError('INVALID_POLICY', `${name}: required, a JSON object`);
  }
  return value;
}

function pageSize(text: string | undefined): number {
  if (text === undefined) return 50;
  const n = positive(text, 'limit');
  if (n > MAX_PAGE) throw new PolicyError('INVALID_POLICY', `limit: at most ${MAX_PAGE}`);
  return n;
}

function positive(text: string, name: string): number {
  if (!/^[1-9]\d{0,15}$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new PolicyError(
      'INVALID_POLICY',
      `${name}: must be a positive integer, got ${JSON.stringify(text)}`,
    );
  }
  return Number(text);
}

function time(text: string | undefined, name: string): Date | undefined {
  if (text === undefined) return undefined;
  const date = new Date(text);
  if (!/^\d{4}-\d\d-\d\dT/.test(text) || Number.isNaN(date.getTime())) {
    throw new PolicyError(
      'INVALID_POLICY',
      `${name}: must be an RFC 3339 time such as 2026-12-01T00:00:00Z`,
    );
  }
  return date;
}
