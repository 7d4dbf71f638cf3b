import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AdminUser, RequireRole } from './admin.guard';
import { AdminOidcGuard } from './admin-oidc.guard';
import { AdminSessions, type MeAnswer } from './admin-sessions.service';
import type { AdminPrincipal } from './principal';

/** Sign-in through the admin IdP, sign-out, and who is signed in. */
@Controller()
export class AdminAuthController {
  constructor(private readonly sessions: AdminSessions) {}

  /** 302 to the IdP (PKCE S256, state, nonce); 503 while its discovery fails. */
  @Get('admin/login')
  @UseGuards(AdminOidcGuard)
  login(): void {
    // The guard's strategy answers with the redirect.
  }

  /** The IdP's redirect back: a new session for an identity with a role, then 302 to /admin. */
  @Get('admin/auth/callback')
  @UseGuards(AdminOidcGuard)
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.sessions.signIn(req);
    res.redirect(302, '/admin');
  }

  /**
   * Ends the session (CSRF-checked): its row is deleted and the cookie cleared. 204, or for the
   * console's sign-out form (a urlencoded POST) 303 to the sign-in page.
   */
  @Post('admin/logout')
  @RequireRole('viewer')
  async logout(
    @AdminUser() principal: AdminPrincipal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.sessions.signOut(principal, req, res);
    if (req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded') {
      res.redirect(303, '/admin/sign-in?signedOut=1');
    } else {
      res.status(204).end();
    }
  }

  @Get('api/admin/v1/me')
  @RequireRole('viewer')
  me(@AdminUser() principal: AdminPrincipal, @Req() req: Request): MeAnswer {
    return this.sessions.me(principal, req);
  }
}
