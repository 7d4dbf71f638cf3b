import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { type ConsoleAsset } from './console-assets';

/** Injection token of the loaded assets (a `ReadonlyMap<string, ConsoleAsset>`). */
export const CONSOLE_ASSETS = Symbol('CONSOLE_ASSETS');

/** GET /admin/assets/:name: the console's CSS and JS, public (no session: the sign-in page needs them). */
@Controller('admin/assets')
export class ConsoleAssetsController {
  constructor(@Inject(CONSOLE_ASSETS) private readonly assets: ReadonlyMap<string, ConsoleAsset>) {}

  @Get(':name')
  serve(
    @Param('name') name: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() res: Response,
  ): void {
    const asset = this.assets.get(name);
    if (asset === undefined) {
      res.status(404).type('text/plain').send('no such console asset');
      return;
    }
    // Not secret, so revalidated rather than never stored: an upgraded CA's files apply at once.
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', asset.etag);
    if (ifNoneMatch === asset.etag) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', asset.contentType);
    res.status(200).send(asset.body);
  }
}
