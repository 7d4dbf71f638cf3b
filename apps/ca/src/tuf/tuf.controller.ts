import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CaError } from '../errors';
import { TufRepositoryService } from './tuf-repository.service';

/**
 * The TUF repository (`CA_PUBLIC_URL/tuf`) as tuf-js reads it with consistent snapshots:
 * `N.root.json`, `timestamp.json`, `N.snapshot.json`, `N.targets.json` and
 * `targets/<sha256>.trusted_root.json`. `root.json` is the newest root, for bootstrapping.
 */
@Controller('tuf')
export class TufController {
  constructor(private readonly repo: TufRepositoryService) {}

  @Get('targets/:file')
  async target(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const m = /^([0-9a-f]{64})\.([A-Za-z0-9._-]+)$/.exec(file);
    if (m === null) throw new CaError('NOT_FOUND', `no TUF target ${JSON.stringify(file)}`);
    send(res, await this.repo.target(m[1]!, m[2]!), IMMUTABLE);
  }

  @Get(':file')
  async metadata(@Param('file') file: string, @Res() res: Response): Promise<void> {
    if (file === 'timestamp.json') {
      send(res, await this.repo.timestamp(), 'no-cache');
      return;
    }
    if (file === 'root.json') {
      send(res, this.repo.latestRoot(), 'no-cache');
      return;
    }
    const m = /^([1-9]\d{0,9})\.(root|snapshot|targets)\.json$/.exec(file);
    if (m === null) throw new CaError('NOT_FOUND', `no TUF metadata ${JSON.stringify(file)}`);
    const version = Number(m[1]);
    switch (m[2] as 'root' | 'snapshot' | 'targets') {
      case 'root':
        send(res, this.repo.root(version), IMMUTABLE);
        return;
      case 'snapshot':
        send(res, await this.repo.snapshot(version), SHORT);
        return;
      case 'targets':
        send(res, await this.repo.targets(version), SHORT);
        return;
    }
  }
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Same version, same content; but re-signed versions may carry other signatures. */
const SHORT = 'public, max-age=300';

function send(res: Response, body: Buffer, cacheControl: string): void {
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', cacheControl);
  res.end(body);
}
