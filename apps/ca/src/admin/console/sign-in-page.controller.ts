import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ADMIN_SETTINGS, type AdminSettings } from '../auth/admin.config';
import { CONSOLE_PATHS } from './console-paths';
import { sendPage } from './console-page';
import { renderSignInPage } from './pages/sign-in.page';
import type { Flash } from './view-models';

/** Why a visitor is on the sign-in page (`?signedOut=1` after the console's sign-out form). */
function notice(signedOut: string | undefined): Flash | undefined {
  return signedOut === undefined ? undefined : { kind: 'success', message: 'You are signed out.' };
}

/** GET /admin/sign-in: public, the one console page without a session. */
@Controller('admin/sign-in')
export class SignInPageController {
  constructor(@Inject(ADMIN_SETTINGS) private readonly settings: AdminSettings) {}

  @Get()
  page(@Query('signedOut') signedOut: string | undefined, @Res() res: Response): void {
    const issuer = this.settings.oidc?.issuer;
    const flash = notice(signedOut);
    sendPage(
      res,
      renderSignInPage({
        ...(issuer === undefined ? {} : { loginUrl: CONSOLE_PATHS.login }),
        providerName: issuer === undefined ? 'your identity provider' : new URL(issuer).host,
        ...(flash === undefined ? {} : { notice: flash }),
      }),
    );
  }
}
